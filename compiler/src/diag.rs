//! Diagnostics: collected, never thrown.
//!
//! Every stage pushes [`Diagnostic`]s into a [`Diagnostics`] collector and carries on, so one run
//! reports every problem. A diagnostic has a typed [`Code`] (declared by the stage that raises it,
//! with [`codes!`](crate::codes!)), a severity, a message, a location ([`Loc`]: file, span, JSON
//! pointer) and an optional help line. Rendering (miette for people, JSON for tools) happens once,
//! at the edge, in [`crate::report`].
//!
//! This module is a leaf: stages depend on it, never on the registry ([`crate::codes`]), which
//! gathers their tables for `charter explain` and the docs.

use crate::source::{FileId, Loc, SourceMap, Span};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A diagnostic code: its stable id, its default severity, a one-line summary and the long text
/// `charter explain ID` prints. Declared as a constant beside the code that raises it (see
/// [`codes!`](crate::codes!)); a code, once published, never changes meaning.
#[derive(Clone, Copy, Debug)]
pub struct Code {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub explain: &'static str,
}

impl Code {
    pub const fn new(
        id: &'static str,
        severity: Severity,
        summary: &'static str,
        explain: &'static str,
    ) -> Code {
        Code {
            id,
            severity,
            summary,
            explain,
        }
    }
    pub const fn error(id: &'static str, summary: &'static str, explain: &'static str) -> Code {
        Code::new(id, Severity::Error, summary, explain)
    }
    pub const fn warning(id: &'static str, summary: &'static str, explain: &'static str) -> Code {
        Code::new(id, Severity::Warning, summary, explain)
    }
}

// Codes are identified by their id alone.
impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.id == other.id
    }
}
impl Eq for Code {}
impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.id.hash(h)
    }
}
impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Code {
    fn cmp(&self, other: &Code) -> std::cmp::Ordering {
        self.id.cmp(other.id)
    }
}
impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.id == other
    }
}
impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}
impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// Declares a stage's diagnostic codes: one `pub const` [`Code`] each (named by its id) and the
/// stage's `CODES` table, which [`crate::codes`] gathers. The constant and its table entry cannot
/// drift apart, and adding a code is one entry:
///
/// ```ignore
/// charter::codes! {
///     E0102: Error, "missing required key", "Long explanation for `charter explain E0102`.";
///     W0101: Warning, "unknown key", "…";
/// }
/// // raised as: Diagnostic::new(&E0102, "…")
/// ```
#[macro_export]
macro_rules! codes {
    ($( $(#[$meta:meta])* $id:ident : $severity:ident, $summary:expr, $explain:expr; )*) => {
        $(
            $(#[$meta])*
            pub const $id: $crate::diag::Code = $crate::diag::Code::new(
                stringify!($id),
                $crate::diag::Severity::$severity,
                $summary,
                $explain,
            );
        )*
        /// This stage's codes, in declaration order (gathered by `charter::codes`).
        pub const CODES: &[&$crate::diag::Code] = &[$(&$id),*];
    };
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    pub message: String,
    /// Where; `None` only for problems with no file (a missing path on the command line).
    pub loc: Option<Loc>,
    pub help: Option<String>,
    /// A path shown when there is no loaded source (unreadable files).
    pub path: Option<std::path::PathBuf>,
}

impl Diagnostic {
    /// A diagnostic with the default severity of its code.
    pub fn new(code: &'static Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            loc: None,
            help: None,
            path: None,
        }
    }
    pub fn at(mut self, loc: Loc) -> Diagnostic {
        self.loc = Some(loc);
        self
    }
    pub fn at_span(self, file: FileId, span: Span, pointer: impl Into<String>) -> Diagnostic {
        self.at(Loc::new(file, span, pointer))
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }
    pub fn with_path(mut self, path: impl Into<std::path::PathBuf>) -> Diagnostic {
        self.path = Some(path.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A collector of diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    /// Shorthand: an error or warning (by code) at a location.
    pub fn report(&mut self, code: &'static Code, loc: &Loc, message: impl Into<String>) {
        self.push(Diagnostic::new(code, message).at(loc.clone()));
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
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.items
    }
    /// Sorts by file, then position, then code; drops exact duplicates.
    pub fn sort(&mut self, sources: &SourceMap) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.loc
                        .as_ref()
                        .map(|l| sources.path(l.file).to_path_buf())
                        .or_else(|| d.path.clone()),
                    d.loc.as_ref().map(|l| l.span.start),
                    d.code,
                )
            };
            key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
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

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}
