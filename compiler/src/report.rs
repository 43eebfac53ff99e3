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
        let mut msg = j.message.clone();
        if let Some(h) = &j.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&github_annotation(
            level,
            j.file.as_deref(),
            j.line,
            j.column,
            &j.code,
            &msg,
        ));
    }
    out
}

/// One GitHub Actions workflow command (`::error file=…,line=…,col=…,title=…::message`), escaped;
/// the one writer of annotations (diagnostics here, changes in `diff::report`).
pub fn github_annotation(
    level: &str,
    file: Option<&str>,
    line: Option<usize>,
    column: Option<usize>,
    title: &str,
    message: &str,
) -> String {
    let mut props = Vec::new();
    if let Some(f) = file {
        props.push(format!("file={}", escape_property(f)));
    }
    if let Some(l) = line {
        props.push(format!("line={l}"));
    }
    if let Some(c) = column {
        props.push(format!("col={c}"));
    }
    props.push(format!("title={}", escape_property(title)));
    format!("::{level} {}::{}\n", props.join(","), escape_data(message))
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
    source: Option<Snippet>,
}

/// Lines longer than this are shown as an excerpt around the span. miette lays out whole lines,
/// and a minified spec is one line of megabytes: its widths overflow `std::fmt` (a panic).
const LONG_LINE: usize = 400;
/// Bytes of context kept on each side of the span in an excerpt.
const EXCERPT_CONTEXT: usize = 60;
/// At most this much of a span is underlined.
const MAX_LABEL: usize = 200;

/// The text miette shows for one diagnostic: the whole file, or an excerpt of one long line.
struct Snippet {
    source: miette::NamedSource<std::sync::Arc<str>>,
    /// Byte offset of the shown text in the file (0 for the whole file).
    offset: usize,
    /// 0-based line and character column of the shown text's start in the file.
    line: usize,
    column: usize,
    /// Name repeated for the excerpt's span contents.
    name: String,
}

impl Snippet {
    fn new(file: &crate::source::SourceFile, span: crate::source::Span) -> Snippet {
        let name = file.path.display().to_string();
        let text = &file.text;
        let start = (span.start as usize).min(text.len());
        let (line_start, line_end) = file.line_bounds(start as u32);
        if line_end - line_start <= LONG_LINE {
            return Snippet {
                source: miette::NamedSource::new(name.clone(), text.clone()),
                offset: 0,
                line: 0,
                column: 0,
                name,
            };
        }
        let floor = |mut i: usize| {
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let from = floor(start.saturating_sub(EXCERPT_CONTEXT).max(line_start));
        let to = floor((start + span.len().min(MAX_LABEL) + EXCERPT_CONTEXT).min(line_end));
        let (line, column) = file.line_col(from as u32);
        Snippet {
            source: miette::NamedSource::new(name.clone(), std::sync::Arc::from(&text[from..to])),
            offset: from,
            line: line - 1,
            column: column - 1,
            name,
        }
    }
}

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.source.read_span(span, before, after)?;
        if self.offset == 0 {
            return Ok(inner);
        }
        let column = if inner.line() == 0 {
            self.column + inner.column()
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            self.line + inner.line(),
            column,
            inner.line_count(),
        )))
    }
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
        let offset = self.source.as_ref().map_or(0, |s| s.offset);
        let start = (loc.span.start as usize).saturating_sub(offset);
        let span = miette::SourceSpan::new(start.into(), loc.span.len().min(MAX_LABEL));
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(label), span),
        )))
    }
}

/// Where Charter's documentation is, for the links reports carry (SARIF `informationUri` and
/// `helpUri`, the code links of the Markdown report): the URL of the `docs/` directory, ending in
/// `/`; rule pages are anchors of `lints.md`, `diff.md` and `dao.md` below it.
///
/// Charter has no public documentation site, so nothing is assumed: `configured` (charter.toml's
/// `[report] docs_url`) when set, else `CHARTER_DOCS_URL` at build time (for a packaged build),
/// else the `docs/` directory of the source this library was built from as a `file://` URL (true
/// on the machine that built it; set `docs_url` to where your copy of the docs is published for
/// reports read elsewhere, e.g. SARIF uploaded to code scanning).
pub fn docs_url(configured: Option<&str>) -> String {
    let url = match configured.or(option_env!("CHARTER_DOCS_URL")) {
        Some(u) => u.trim().to_string(),
        None => {
            let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .unwrap_or(std::path::Path::new("/"))
                .join("docs");
            let path: String = docs
                .to_string_lossy()
                .replace('\\', "/")
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            let path = if path.starts_with('/') {
                path
            } else {
                format!("/{path}")
            };
            format!("file://{path}")
        }
    };
    if url.ends_with('/') {
        url
    } else {
        url + "/"
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
        let source = match (&d.loc, &d.path) {
            (Some(loc), _) => Some(Snippet::new(sources.get(loc.file), loc.span)),
            _ => None,
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
    }
    out
}

#[cfg(feature = "reports")]
/// "2 errors, 1 warning" style summary line.
/// Diagnostics as a Markdown section for a pull-request comment (template
/// `report/diagnostics.md.hbs`): a summary line and one table row per finding.
/// `docs` is [`docs_url`]: each code links to `lints.md` below it.
pub fn render_markdown<'a>(
    title: &str,
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
    docs: &str,
) -> String {
    let diags: Vec<&Diagnostic> = diags.into_iter().collect();
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let page = serde_json::json!({
        "title": title,
        "summary": summary(errors, diags.len() - errors),
        "docs": format!("{docs}lints.md"),
        "diagnostics": diags.iter().map(|d| to_json_diagnostic(d, sources)).collect::<Vec<_>>(),
    });
    templates()
        .render_template(include_str!("report/diagnostics.md.hbs"), &page)
        .expect("the diagnostics template renders")
}

pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

#[cfg(feature = "reports")]
/// A handlebars registry for the text reports (diff, trace): strict, no HTML escaping, and a
/// `cell` helper that makes a value safe inside a markdown table cell (`|` escaped, newlines
/// folded).
pub fn templates() -> handlebars::Handlebars<'static> {
    let mut h = handlebars::Handlebars::new();
    h.set_strict_mode(true);
    h.register_escape_fn(handlebars::no_escape);
    h.register_helper(
        "cell",
        Box::new(
            |helper: &handlebars::Helper,
             _: &handlebars::Handlebars,
             _: &handlebars::Context,
             _: &mut handlebars::RenderContext,
             out: &mut dyn handlebars::Output|
             -> handlebars::HelperResult {
                let text = helper
                    .param(0)
                    .and_then(|p| p.value().as_str())
                    .unwrap_or("");
                out.write(&text.replace('|', "\\|").replace('\n', " "))?;
                Ok(())
            },
        ),
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Loc, Span};

    /// A minified spec is one line of megabytes: the snippet is an excerpt of that line, and the
    /// location still names the real line and column.
    #[test]
    fn a_span_far_into_a_huge_line_renders_an_excerpt() {
        let mut sources = SourceMap::new();
        let padding = "x".repeat(100_000);
        let text = format!("{{\"a\":\"{padding}\",\"needle\":1}}");
        let start = text.find("\"needle\"").unwrap();
        let file = sources.add("minified.json", text.as_str());
        let d = Diagnostic::new(&crate::load::E0001, "the needle").at(Loc::new(
            file,
            Span::new(start, start + 8),
            "/needle",
        ));
        let out = render_human([&d], &sources, false);
        assert!(
            out.contains(&format!("minified.json:1:{}", start + 1)),
            "{out}"
        );
        assert!(out.contains("\"needle\":1"), "{out}");
        assert!(out.len() < 2_000, "the line is not shown whole: {out}");
    }

    #[test]
    fn short_lines_render_whole_with_context() {
        let mut sources = SourceMap::new();
        let text = "{\n  \"a\": 1,\n  \"b\": 2\n}\n";
        let start = text.find("\"b\"").unwrap();
        let file = sources.add("small.json", text);
        let d = Diagnostic::new(&crate::load::E0001, "b is wrong").at(Loc::new(
            file,
            Span::new(start, start + 3),
            "/b",
        ));
        let out = render_human([&d], &sources, false);
        assert!(out.contains("small.json:3:3"), "{out}");
        assert!(out.contains("\"a\": 1"), "one line of context: {out}");
    }
}
