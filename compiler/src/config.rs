//! `charter.toml`: the one owner of the api repo's configuration file.
//!
//! **Discovery, one rule for every front-end** ([`discover`]): `--config FILE` when given, else
//! the nearest `charter.toml` walking up from the first path (a spec file or directory; `.` when
//! none is given). The CLI commands, the build.rs `Builder` and the derive macro all call it.
//!
//! **Shape**: [`CharterToml`] derives `Deserialize`, one field per section Charter itself reads
//! (`[check]`, `[lint]`, `[diff]`, `[generate]`). Sections it does not know are ignored here, so
//! a front-end or a later stage can add its own without touching this file: declare a
//! `Deserialize` type and read it with [`Config::section`], which deserializes that section from
//! the same text with spans, so its errors are located in charter.toml like the others:
//!
//! ```ignore
//! #[derive(serde::Deserialize)]
//! #[serde(deny_unknown_fields)]
//! struct EventsSection { subjects: Option<String> }
//! let events: Option<EventsSection> = config.section("events", &mut diags);
//! ```
//!
//! Every problem is a located diagnostic ([`E0020`]); the defaults then apply.

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{FileId, Loc, SourceMap, Span};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for.
pub const FILE_NAME: &str = "charter.toml";

crate::codes! {
    E0020: Error,
        "invalid charter.toml",
        "charter.toml is not valid TOML, or one of its sections has an unknown key or a value of the \
         wrong type. Sections: `[check]` (`strict_imports`), `[lint]` (docs/lints.md), `[diff]` \
         (`allow`, docs/diff.md), `[generate.rust]` (`crates`, `redacted_annotations`), `[report]` \
         (`docs_url`); other \
         sections belong to the command that reads them. The diagnostic points at the offending \
         key or value.";
}

/// `[check]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CheckSection {
    /// An import that is not in the repo is an error instead of a warning (every command).
    #[serde(default)]
    pub strict_imports: bool,
}

/// `[generate]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct GenerateSection {
    #[serde(default)]
    pub rust: RustSection,
}

/// `[generate.rust]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RustSection {
    /// Namespace → Rust path of a crate that already provides its types.
    #[serde(default)]
    pub crates: BTreeMap<String, String>,
    /// The field annotations whose values generated code redacts.
    pub redacted_annotations: Option<Vec<String>>,
}

/// `[report]`: settings of the reports every command writes.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReportSection {
    /// Where Charter's `docs/` directory is published (SARIF `informationUri` and `helpUri`, the
    /// Markdown report's links); see [`crate::report::docs_url`] for the default.
    pub docs_url: Option<String>,
}

/// The sections of charter.toml that Charter's engine reads, each deserialized on its own (an error
/// in one leaves the others applied). Unknown sections are accepted (see [`Config::section`]).
#[derive(Debug, Default, Deserialize)]
pub struct CharterToml {
    #[serde(default)]
    pub check: CheckSection,
    /// Read with spans by [`crate::lint::config`].
    pub lint: Option<crate::lint::config::RawLint>,
    #[serde(default)]
    pub diff: crate::diff::config::DiffConfig,
    #[serde(default)]
    pub generate: GenerateSection,
    #[serde(default)]
    pub report: ReportSection,
}

/// A loaded charter.toml (or the defaults when there is none).
#[derive(Debug, Default)]
pub struct Config {
    /// The file, when there is one.
    pub path: Option<PathBuf>,
    /// Its directory: globs, the baseline and other relative paths of the file are relative to it.
    pub root: Option<PathBuf>,
    /// The file in the source map, for located diagnostics.
    pub file: Option<FileId>,
    text: String,
    pub toml: CharterToml,
}

/// The charter.toml that applies to `paths`: `explicit` (`--config`), else the nearest one walking
/// up from the first path (`.` when there is none).
pub fn discover(explicit: Option<&Path>, paths: &[PathBuf]) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let start = start.canonicalize().ok()?;
    let first = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    first?
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|c| c.is_file())
}

impl Config {
    /// The URL of Charter's docs for the links of reports: `[report] docs_url`, else the default
    /// of [`crate::report::docs_url`].
    pub fn docs_url(&self) -> String {
        crate::report::docs_url(self.toml.report.docs_url.as_deref())
    }

    /// Discovers ([`discover`]) and loads the configuration for `paths`, registering the file in
    /// `sources`. Problems are diagnostics; the defaults then apply.
    pub fn load(
        explicit: Option<&Path>,
        paths: &[PathBuf],
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Config {
        match discover(explicit, paths) {
            Some(path) => Config::read(&path, sources, diags),
            None => Config::default(),
        }
    }

    /// Reads one charter.toml.
    pub fn read(path: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> Config {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let file = sources.add(path, text.as_str());
                let root = path
                    .parent()
                    .map(|p| {
                        if p.as_os_str().is_empty() {
                            PathBuf::from(".")
                        } else {
                            p.to_path_buf()
                        }
                    })
                    .or_else(|| Some(PathBuf::from(".")));
                Config::parse(text, Some(path.to_path_buf()), root, Some(file), diags)
            }
            Err(e) => {
                diags.push(
                    Diagnostic::new(&E0020, format!("cannot read {}: {e}", path.display()))
                        .with_path(path),
                );
                Config {
                    path: Some(path.to_path_buf()),
                    ..Config::default()
                }
            }
        }
    }

    /// Parses a charter.toml text (`file`: where it is in the source map, for locations).
    pub fn parse(
        text: String,
        path: Option<PathBuf>,
        root: Option<PathBuf>,
        file: Option<FileId>,
        diags: &mut Diagnostics,
    ) -> Config {
        let mut config = Config {
            path,
            root,
            file,
            text,
            toml: CharterToml::default(),
        };
        // Syntax first; then each section on its own, so a mistake in one section is reported
        // and the others still apply.
        if let Err(e) = toml::from_str::<toml::Table>(&config.text) {
            diags.push(config.error(&e, ""));
            return config;
        }
        config.toml = CharterToml {
            check: config.section("check", diags).unwrap_or_default(),
            lint: config.section("lint", diags),
            diff: config.section("diff", diags).unwrap_or_default(),
            generate: config.section("generate", diags).unwrap_or_default(),
            report: config.section("report", diags).unwrap_or_default(),
        };
        config
    }

    /// A section Charter's engine does not declare (`[events]`, `[dao]`…), deserialized with spans
    /// from the same text; `None` when absent or invalid (then reported).
    pub fn section<T: DeserializeOwned>(&self, name: &str, diags: &mut Diagnostics) -> Option<T> {
        if self.text.is_empty() {
            return None;
        }
        let de = toml::Deserializer::new(&self.text);
        match (Pick::<T> {
            name,
            _t: std::marker::PhantomData,
        })
        .deserialize(de)
        {
            Ok(v) => v,
            Err(e) => {
                diags.push(self.error(&e, name));
                None
            }
        }
    }

    /// The text of the file (empty without one).
    pub fn text(&self) -> &str {
        &self.text
    }

    fn error(&self, e: &toml::de::Error, section: &str) -> Diagnostic {
        let name = self
            .path
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| FILE_NAME.to_string());
        let d = Diagnostic::new(&E0020, format!("invalid {name}: {}", e.message().trim()))
            .with_help("see docs/ for the keys of each section; `charter explain E0020`");
        match (self.file, e.span()) {
            (Some(file), Some(span)) => {
                d.at(Loc::new(file, Span::new(span.start, span.end), section))
            }
            (Some(file), None) => d.at(Loc::new(file, Span::new(0, 0), section)),
            (None, _) => match &self.path {
                Some(p) => d.with_path(p),
                None => d,
            },
        }
    }
}

/// Deserializes only the top-level key `name` of a document, ignoring the others.
struct Pick<'n, T> {
    name: &'n str,
    _t: std::marker::PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Pick<'_, T> {
    type Value = Option<T>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Pick<'_, T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a TOML document")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut out = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.name {
                out = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Config, Vec<Diagnostic>, SourceMap) {
        let mut sources = SourceMap::default();
        let file = sources.add("charter.toml", text);
        let mut diags = Diagnostics::new();
        let c = Config::parse(
            text.to_string(),
            Some("charter.toml".into()),
            None,
            Some(file),
            &mut diags,
        );
        (c, diags.into_vec(), sources)
    }

    #[test]
    fn sections_are_typed_and_unknown_sections_are_tolerated() {
        let (c, d, _) = parse(
            "[check]\nstrict_imports = true\n\n[generate.rust]\ncrates = { \"io.x.v0\" = \"x\" }\n\n\
             [events]\nsubjects = \"a.b\"\n\n[dao.tables]\nuser = \"users\"\n",
        );
        assert!(d.is_empty(), "{d:#?}");
        assert!(c.toml.check.strict_imports);
        assert_eq!(c.toml.generate.rust.crates["io.x.v0"], "x");

        #[derive(Deserialize, Debug, PartialEq)]
        #[serde(deny_unknown_fields)]
        struct Events {
            subjects: String,
        }
        let mut diags = Diagnostics::new();
        let e: Option<Events> = c.section("events", &mut diags);
        assert_eq!(e.map(|e| e.subjects).as_deref(), Some("a.b"));
        let none: Option<Events> = c.section("nope", &mut diags);
        assert!(none.is_none() && diags.is_empty());
    }

    #[test]
    fn errors_are_located() {
        let text = "[check]\nstrict_imports = \"yes\"\n";
        let (c, d, sources) = parse(text);
        assert!(!c.toml.check.strict_imports);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].code, "E0020");
        let loc = d[0].loc.as_ref().expect("located");
        assert_eq!(
            &text[loc.span.start as usize..loc.span.end as usize],
            "\"yes\""
        );
        assert_eq!(sources.get(loc.file).line_col(loc.span.start), (2, 18));

        let (_, d, _) = parse("[check]\nstrict = true\n");
        assert!(d[0].message.contains("unknown field"), "{d:#?}");

        // A helper's own section reports its errors at the right place too.
        let text = "[events]\nsubjects = 3\n";
        let (c, d, _) = parse(text);
        assert!(d.is_empty());
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Events {
            subjects: String,
        }
        let mut diags = Diagnostics::new();
        assert!(c.section::<Events>("events", &mut diags).is_none());
        let d = diags.into_vec();
        let loc = d[0].loc.as_ref().expect("located");
        assert_eq!(&text[loc.span.start as usize..loc.span.end as usize], "3");
    }

    #[test]
    fn discovery_walks_up_from_the_first_path_and_config_overrides() {
        let dir = std::env::temp_dir().join(format!("charter-config-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::fs::write(dir.join(FILE_NAME), "").unwrap();
        std::fs::write(dir.join("a/b/x.json"), "{}").unwrap();
        let found = discover(None, &[dir.join("a/b/x.json")]).unwrap();
        assert_eq!(found, dir.canonicalize().unwrap().join(FILE_NAME));
        let found = discover(None, &[dir.join("a")]).unwrap();
        assert_eq!(found, dir.canonicalize().unwrap().join(FILE_NAME));
        let explicit = dir.join("other.toml");
        assert_eq!(discover(Some(&explicit), &[dir.join("a")]), Some(explicit));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
