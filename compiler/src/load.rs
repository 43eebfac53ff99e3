//! Reading spec files: discovery in a directory tree, bytes → UTF-8 → JSON tree, form detection.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir;
use crate::json;
use crate::lower;
use crate::source::{FileId, SourceFile, Span};
use crate::Checked;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

crate::codes! {
    E0001: Error,
        "file or directory cannot be read",
        "Charter could not read a path given on the command line or found in the api repo (missing, \
         permission denied, not a regular file). Check the path and its permissions.";
    E0002: Error,
        "file is not valid UTF-8",
        "Specs are JSON, which must be UTF-8. The diagnostic points at the first invalid byte; re-save \
         the file as UTF-8.";
    E0003: Error,
        "invalid JSON",
        "The file is not well-formed JSON (RFC 8259): no comments, no trailing commas, strings in double \
         quotes. The diagnostic points at the first character that could not be parsed.";
    E0004: Error,
        "JSON nested too deeply",
        "Arrays and objects nest more than 256 levels deep. No spec needs this; it is refused so that \
         a hostile input cannot exhaust the stack.";
    E0005: Error,
        "duplicate key in a JSON object",
        "The same key appears twice in one object. Most JSON parsers silently keep the last one, which \
         hides mistakes; API Builder rejects the document, and so does Charter. Remove or rename one.";
    E0006: Error,
        "the document is not a JSON object",
        "A spec must be a JSON object at the top level (API Builder: `Must upload a Json Object`).";
    E0007: Error,
        "the file is empty",
        "The file holds no JSON at all (API Builder: `No Data`).";
    E0008: Error,
        "file is too large",
        "Charter refuses spec files over 64 MiB: real specs are at most a few MB.";
}

/// Largest file Charter reads.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Expands directories into the `.json` files below them (sorted, hidden directories and `target`
/// skipped). Paths that cannot be read are reported (E0001) and counted in `io_errors`.
pub fn discover(paths: &[PathBuf], diags: &mut Diagnostics, io_errors: &mut usize) -> Vec<PathBuf> {
    discover_found(paths, diags, io_errors)
        .into_iter()
        .map(|f| f.path)
        .collect()
}

/// A file found by [`discover_found`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Found by walking a directory (not named): loaded only if it looks like a spec
    /// ([`looks_like_spec`]), so a baseline, a SARIF report or an OpenAPI export kept beside the
    /// specs is never read as one.
    pub walked: bool,
}

/// [`discover`], saying which files were named and which were found in a directory.
pub fn discover_found(
    paths: &[PathBuf],
    diags: &mut Diagnostics,
    io_errors: &mut usize,
) -> Vec<Found> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let mut files = Vec::new();
                walk(p, &mut files, diags, io_errors);
                out.extend(files.into_iter().map(|path| Found { path, walked: true }));
            }
            Ok(_) => out.push(Found {
                path: p.clone(),
                walked: false,
            }),
            Err(e) => {
                *io_errors += 1;
                diags.push(
                    Diagnostic::new(&E0001, format!("cannot read {}: {e}", p.display()))
                        .with_path(p.clone()),
                );
            }
        }
    }
    // A file named on its own and again through its directory is loaded once (first mention).
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| seen.insert(std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone())));
    out
}

/// Top-level keys of API Builder documents (api.json and service.json).
const SPEC_KEYS: &[&str] = &[
    "name",
    "apidoc",
    "info",
    "namespace",
    "organization",
    "application",
    "version",
    "base_url",
    "description",
    "headers",
    "imports",
    "enums",
    "interfaces",
    "unions",
    "models",
    "resources",
    "attributes",
    "annotations",
];

/// Top-level keys that mark another kind of JSON document: OpenAPI and AsyncAPI documents,
/// JSON Schemas and SARIF logs (`$schema`, `runs`), Charter's lint baseline (`findings`), npm
/// and TypeScript configuration.
const FOREIGN_KEYS: &[&str] = &[
    "openapi",
    "swagger",
    "asyncapi",
    "$schema",
    "runs",
    "findings",
    "dependencies",
    "devDependencies",
    "scripts",
    "compilerOptions",
];

/// Whether a JSON document found in a directory is an API Builder spec: an object with at least
/// one key of a spec and none that marks another kind of document. Documents that do not parse
/// count as specs (their errors are reported): only a well-formed foreign document is skipped.
pub fn looks_like_spec(root: &json::Node) -> bool {
    let Some(members) = root.as_object() else {
        return false;
    };
    let has = |keys: &[&str]| members.iter().any(|m| keys.contains(&m.key.as_str()));
    has(SPEC_KEYS) && !has(FOREIGN_KEYS)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Diagnostics, io_errors: &mut usize) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            *io_errors += 1;
            diags.push(
                Diagnostic::new(
                    &E0001,
                    format!("cannot read directory {}: {e}", dir.display()),
                )
                .with_path(dir.to_path_buf()),
            );
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for c in children {
        let name = c.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if c.is_dir() {
            walk(&c, out, diags, io_errors);
        } else if name.ends_with(".json") {
            out.push(c);
        }
    }
}

/// Loads found files: each is read, parsed and lowered on its own (in parallel across files when
/// there are several), then merged into `checked` in discovery order, so the result is the same
/// as loading them one by one. File ids are assigned in that order; a file that is skipped (not
/// a spec) or cannot be read keeps its id with an empty text, so no id depends on another file's
/// contents.
pub fn load_all(found: &[Found], checked: &mut Checked) {
    load_each(found.iter().collect(), checked, read_found);
}

/// Loads raw bytes (checks UTF-8 first).
pub fn load_bytes(path: &Path, bytes: Vec<u8>, checked: &mut Checked) {
    let file = FileId(checked.sources.len() as u32);
    merge(from_bytes(path, bytes, file), checked);
}

/// Several `(display path, text)` documents from memory, as [`load_all`] does for files.
pub fn load_texts(files: Vec<(PathBuf, String)>, checked: &mut Checked) {
    load_each(files, checked, |(path, text), file| {
        from_text(&path, text, file, false)
    });
}

/// Loads each item with the id it will get (on rayon's pool when there are several; one file,
/// as in the derive macro, stays on the caller's thread) and merges them in order.
fn load_each<T: Send>(
    items: Vec<T>,
    checked: &mut Checked,
    load: impl Fn(T, FileId) -> Loaded + Sync + Send,
) {
    let base = checked.sources.len();
    let one = |(i, item): (usize, T)| load(item, FileId((base + i) as u32));
    let loaded: Vec<Loaded> = if items.len() > 1 {
        items.into_par_iter().enumerate().map(one).collect()
    } else {
        items.into_iter().enumerate().map(one).collect()
    };
    for l in loaded {
        merge(l, checked);
    }
}

/// What loading one file gives, before it is merged into a [`Checked`].
struct Loaded {
    /// Its source (empty text when the file was skipped or could not be read), with id `file`.
    source: SourceFile,
    diagnostics: Diagnostics,
    services: Vec<ir::Service>,
    /// A well-formed JSON document found in a directory that is not a spec.
    not_spec: bool,
    io_error: bool,
}

impl Loaded {
    fn empty(path: &Path) -> Loaded {
        Loaded {
            source: SourceFile::new(path.to_path_buf(), ""),
            diagnostics: Diagnostics::new(),
            services: Vec::new(),
            not_spec: false,
            io_error: false,
        }
    }
}

fn merge(l: Loaded, checked: &mut Checked) {
    let path = l.source.path.clone();
    checked.sources.push(l.source);
    checked.diagnostics.extend(l.diagnostics.into_vec());
    checked.repo.services.extend(l.services);
    if l.io_error {
        checked.io_errors += 1;
    }
    if l.not_spec {
        checked.spec_files = checked.spec_files.saturating_sub(1);
        checked.not_specs.push(path);
    }
}

fn read_found(found: &Found, file: FileId) -> Loaded {
    let path = found.path.as_path();
    let read = std::fs::metadata(path).and_then(|m| {
        if m.len() > MAX_FILE_SIZE {
            Ok(None)
        } else {
            std::fs::read(path).map(Some)
        }
    });
    match read {
        Ok(Some(bytes)) if found.walked => match String::from_utf8(bytes) {
            Ok(text) => from_text(path, text, file, true),
            Err(e) => from_bytes(path, e.into_bytes(), file),
        },
        Ok(Some(bytes)) => from_bytes(path, bytes, file),
        Ok(None) => {
            let mut l = Loaded::empty(path);
            l.io_error = true;
            l.diagnostics.push(
                Diagnostic::new(&E0008, format!("{} is larger than 64 MiB", path.display()))
                    .with_path(path.to_path_buf()),
            );
            l
        }
        Err(e) => {
            let mut l = Loaded::empty(path);
            l.io_error = true;
            l.diagnostics.push(
                Diagnostic::new(&E0001, format!("cannot read {}: {e}", path.display()))
                    .with_path(path.to_path_buf()),
            );
            l
        }
    }
}

fn from_bytes(path: &Path, bytes: Vec<u8>, file: FileId) -> Loaded {
    match String::from_utf8(bytes) {
        Ok(text) => from_text(path, text, file, false),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // Offsets in the lossy text equal the original up to the first invalid byte.
            let mut l = Loaded::empty(path);
            l.source = SourceFile::new(path.to_path_buf(), lossy);
            l.diagnostics.push(
                Diagnostic::new(&E0002, format!("invalid UTF-8 at byte {valid}"))
                    .at_span(file, Span::new(valid, valid + 1), "")
                    .with_help("save the file as UTF-8"),
            );
            l
        }
    }
}

fn from_text(path: &Path, text: String, file: FileId, walked: bool) -> Loaded {
    let mut l = Loaded::empty(path);
    let parsed = json::parse(&text);
    if walked && matches!(&parsed, Ok(p) if !looks_like_spec(&p.root)) {
        l.not_spec = true;
        return l;
    }
    l.source = SourceFile::new(path.to_path_buf(), text);
    let text = &*l.source.text;
    let diags = &mut l.diagnostics;
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::new(&E0007, "the file is empty")
                .at_span(file, Span::new(0, 0), "")
                .with_help("a spec is a JSON object with at least a `name`"),
        );
        return l;
    }
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => {
            report_parse_error(file, text, e, diags);
            return l;
        }
    };
    for d in &parsed.duplicates {
        diags.push(
            Diagnostic::new(
                &E0005,
                format!("Invalid json, duplicate key name found: {}", d.key),
            )
            .at_span(file, d.span, "")
            .with_help("a key may appear only once in an object; remove or rename one of them"),
        );
    }
    if parsed.root.as_object().is_none() {
        diags.push(
            Diagnostic::new(
                &E0006,
                format!(
                    "Must upload a Json Object (found {})",
                    parsed.root.kind_name()
                ),
            )
            .at_span(file, parsed.root.span, "")
            .with_help("a spec is a JSON object: {\"name\": \"my-service\", …}"),
        );
        return l;
    }
    if let Some(services) = lower::lower_document(file, &parsed.root, diags) {
        l.services = services;
    }
    l
}

fn report_parse_error(file: FileId, text: &str, e: json::Error, diags: &mut Diagnostics) {
    let at = e.offset.min(text.len());
    let end = (at + 1).min(text.len()).max(at);
    let d = match e.kind {
        json::ErrorKind::Syntax(msg) => Diagnostic::new(&E0003, format!("invalid JSON: {msg}"))
            .with_help(
                "specs are strict JSON: no comments, no trailing commas, double-quoted strings",
            ),
        json::ErrorKind::TooDeep => Diagnostic::new(
            &E0004,
            format!("JSON nested more than {} levels deep", json::MAX_DEPTH),
        )
        .with_help("flatten the document; real specs nest fewer than 20 levels"),
    };
    diags.push(d.at_span(file, Span::new(at, end), ""));
}
