//! Source files and byte spans.
//!
//! Every spec file that Charter reads is kept here, once, for the whole run, so that any later stage
//! can turn a [`Loc`] back into `file:line:col` and a source snippet.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A half-open byte range `[start, end)` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// Where an element of a spec came from: file, byte range and RFC 6901 JSON pointer.
///
/// For a missing key the pointer names the nearest parent that exists, and the span covers it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
    pub pointer: String,
}

impl Loc {
    pub fn new(file: FileId, span: Span, pointer: impl Into<String>) -> Loc {
        Loc {
            file,
            span,
            pointer: pointer.into(),
        }
    }
}

/// One loaded file: its display path, its text and a line index.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    line_starts: Vec<u32>,
    /// Every character wider than one byte: its byte offset and the extra bytes of all wide
    /// characters up to and including it. Columns are counted from it in O(log n), which matters
    /// for minified files (one 2.5 MB line) with thousands of findings. Empty for ASCII text.
    wide: Vec<(u32, u32)>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: impl Into<Arc<str>>) -> SourceFile {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0u32];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0u32;
            for (i, c) in text.char_indices() {
                if c.len_utf8() > 1 {
                    extra += c.len_utf8() as u32 - 1;
                    wide.push((i as u32, extra));
                }
            }
        }
        SourceFile {
            path,
            text,
            line_starts,
            wide,
        }
    }

    /// 0-based index of the line holding byte `offset` (clamped to the text).
    fn line_index(&self, offset: u32) -> usize {
        let offset = offset.min(self.text.len() as u32);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte range of the line holding byte `offset`, without its line break (O(log n)).
    pub fn line_bounds(&self, offset: u32) -> (usize, usize) {
        let line = self.line_index(offset);
        let start = self.line_starts[line] as usize;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&n| n as usize - 1);
        (start, end)
    }

    /// The extra bytes (beyond one per character) of the characters before byte `offset`.
    fn extra_before(&self, offset: usize) -> usize {
        match self.wide.partition_point(|(o, _)| (*o as usize) < offset) {
            0 => 0,
            i => self.wide[i - 1].1 as usize,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = offset.min(self.text.len() as u32);
        let line = self.line_index(offset);
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = (end - start) - (self.extra_before(end) - self.extra_before(start)) + 1;
        (line + 1, col)
    }
}

/// All files of one run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, path: impl AsRef<Path>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files
            .push(SourceFile::new(path.as_ref().to_path_buf(), text));
        id
    }

    /// Adds a file built elsewhere (e.g. on another thread); its id is the next one.
    pub fn push(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.get(id).path
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_is_one_based_and_counts_chars() {
        let f = SourceFile::new("x.json".into(), "{\n  \"é\": 1\n}");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(2), (2, 1));
        // byte 7 is after the two-byte é and the closing quote
        assert_eq!(f.line_col(4), (2, 3));
        assert_eq!(f.line_col(8), (2, 6));
        assert_eq!(f.line_col(1000), (3, 2));
    }

    #[test]
    fn line_bounds_exclude_the_line_break() {
        let f = SourceFile::new("x.json".into(), "ab\ncde\n\nf");
        assert_eq!(f.line_bounds(0), (0, 2));
        assert_eq!(f.line_bounds(2), (0, 2));
        assert_eq!(f.line_bounds(4), (3, 6));
        assert_eq!(f.line_bounds(7), (7, 7));
        assert_eq!(f.line_bounds(8), (8, 9));
        assert_eq!(f.line_bounds(100), (8, 9));
    }

    #[test]
    fn columns_agree_with_counting_characters() {
        let text = "{\"a\": \"été\", \"b\": \"日本\"}\n  [\"🦀x\", \"ü\"]\nplain\n";
        let f = SourceFile::new("x.json".into(), text);
        for offset in 0..=text.len() as u32 + 2 {
            let o = (offset as usize).min(text.len());
            let mut end = o;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..end].matches('\n').count() + 1;
            let col = text[line_start..end].chars().count() + 1;
            assert_eq!(f.line_col(offset), (line, col), "offset {offset}");
        }
    }
}
