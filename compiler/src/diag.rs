//! Diagnostics: collected, never thrown.
//!
//! Every stage pushes [`Diagnostic`]s into a [`Diagnostics`] collector and carries on, so one run
//! reports every problem. A diagnostic has a stable code (see [`crate::codes`]), a severity, a
//! message, a location ([`Loc`]: file, span, JSON pointer) and an optional help line. Rendering
//! (miette for people, JSON for tools) happens once, at the edge, in [`crate::report`].

use crate::codes;
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
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
    pub fn new(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: codes::severity(code),
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
    pub fn report(&mut self, code: &'static str, loc: &Loc, message: impl Into<String>) {
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
