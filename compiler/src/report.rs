//! Rendering diagnostics: for people (miette), for tools (JSON), for GitHub Actions (annotations).
//!
//! The JSON shape is a contract with CI scripts; it is documented in README.md and must stay stable:
//! `{"diagnostics":[{"code","severity","message","file","line","column","pointer","help"}]}`.

use crate::diag::{Diagnostic, Severity};
use crate::source::SourceMap;
use serde::Serialize;
use std::fmt;

/// One diagnostic in the stable JSON shape.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct JsonDiagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub pointer: Option<String>,
    pub help: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct JsonReport {
    pub diagnostics: Vec<JsonDiagnostic>,
}

pub fn to_json_diagnostic(d: &Diagnostic, sources: &SourceMap) -> JsonDiagnostic {
    let (file, line, column, pointer) = match &d.loc {
        Some(loc) => {
            let f = sources.get(loc.file);
            let (line, col) = f.line_col(loc.span.start);
            (
                Some(f.path.display().to_string()),
                Some(line),
                Some(col),
                Some(loc.pointer.clone()),
            )
        }
        None => (
            d.path.as_ref().map(|p| p.display().to_string()),
            None,
            None,
            None,
        ),
    };
    JsonDiagnostic {
        code: d.code.to_string(),
        severity: d.severity,
        message: d.message.clone(),
        file,
        line,
        column,
        pointer,
        help: d.help.clone(),
    }
}

/// The whole report as pretty JSON.
pub fn render_json<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
) -> String {
    let report = JsonReport {
        diagnostics: diags
            .into_iter()
            .map(|d| to_json_diagnostic(d, sources))
            .collect(),
    };
    serde_json::to_string_pretty(&report).expect("diagnostics serialize")
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=CODE::message`.
pub fn render_github<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
) -> String {
    let mut out = String::new();
    for d in diags {
        let j = to_json_diagnostic(d, sources);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(f) = &j.file {
            props.push(format!("file={}", escape_property(f)));
        }
        if let Some(l) = j.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = j.column {
            props.push(format!("col={c}"));
        }
        props.push(format!("title={}", escape_property(&j.code)));
        let mut msg = j.message.clone();
        if let Some(h) = &j.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            escape_data(&msg)
        ));
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A diagnostic bound to its source text, in the form miette renders.
struct Rendered<'a> {
    d: &'a Diagnostic,
    source: Option<miette::NamedSource<std::sync::Arc<str>>>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.d.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let loc = self.d.loc.as_ref()?;
        let label = if loc.pointer.is_empty() {
            "here".to_string()
        } else {
            loc.pointer.clone()
        };
        let span =
            miette::SourceSpan::new((loc.span.start as usize).into(), loc.span.len().min(200));
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(label), span),
        )))
    }
}

/// Renders diagnostics for a terminal with miette (source snippet, arrow, help line).
pub fn render_human<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
    color: bool,
) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for d in diags {
        // A snippet of a very long line (a minified spec is one line of megabytes) is unreadable,
        // slow to render, and past column 65535 miette's padding panics: such findings are shown
        // with their position instead.
        let mut place = None;
        let source = match &d.loc {
            Some(loc) => {
                let f = sources.get(loc.file);
                if f.line_len(loc.span.start) > MAX_SNIPPET_LINE {
                    let (line, col) = f.line_col(loc.span.start);
                    place = Some(format!(
                        "  at {}:{line}:{col} {}\n",
                        f.path.display(),
                        loc.pointer
                    ));
                    None
                } else {
                    Some(miette::NamedSource::new(
                        f.path.display().to_string(),
                        f.text.clone(),
                    ))
                }
            }
            None => None,
        };
        let r = Rendered { d, source };
        if d.loc.is_none() {
            if let Some(p) = &d.path {
                out.push_str(&format!("{}: ", p.display()));
            }
        }
        if handler.render_report(&mut out, &r).is_err() {
            out.push_str(&format!(
                "{}[{}]: {}\n",
                d.severity.as_str(),
                d.code,
                d.message
            ));
        }
        if let Some(p) = place {
            out.push_str(&p);
        }
    }
    out
}

/// Source lines longer than this (in bytes) are not shown as snippets.
const MAX_SNIPPET_LINE: usize = 2000;

/// "2 errors, 1 warning" style summary line.
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn findings_on_very_long_lines_show_their_position_not_a_snippet() {
        // A minified spec: one line, the finding past column 65535 (where miette's padding
        // would panic).
        let text = format!("{{\"a\": \"{}\", \"b\": 1}}", "x".repeat(70_000));
        let mut sources = SourceMap::default();
        let file = sources.add("min.json", text.as_str());
        let at = text.find("\"b\"").unwrap() as u32;
        let d = Diagnostic::new("W0001", "something about b").at_span(
            file,
            Span {
                start: at,
                end: at + 3,
            },
            "/b",
        );
        let out = render_human([&d], &sources, false);
        assert!(out.contains("something about b"), "{out}");
        assert!(
            out.contains(&format!("at min.json:1:{} /b", at + 1)),
            "{out}"
        );
        assert!(out.len() < 1000, "no snippet of the long line");
        // Short lines keep their snippet.
        let mut sources = SourceMap::default();
        let file = sources.add("short.json", "{\"b\": 1}");
        let d = Diagnostic::new("W0001", "short").at_span(file, Span { start: 1, end: 4 }, "/b");
        let out = render_human([&d], &sources, false);
        assert!(
            out.contains("short.json:1:2") && out.contains("{\"b\": 1}"),
            "{out}"
        );
    }
}
