//! `charter.toml`, table `[lint]`: presets, per-rule levels, per-path overrides, the baseline.
//!
//! ```toml
//! [lint]
//! preset = "flow"                      # or ["recommended", "flow"], or "all"
//! baseline = "lint-baseline.json"      # written by `charter lint --write-baseline`
//!
//! [lint.rules]
//! L0110 = "off"                        # by code…
//! lower-case-paths = "error"           # …or by name
//!
//! [[lint.overrides]]
//! paths = ["legacy/**"]                # globs relative to charter.toml
//! rules = { L0101 = "off" }
//! ```
//!
//! The file is found by walking up from the first spec path; `--config FILE` overrides. Every
//! problem with it is a located diagnostic (`L0001`–`L0004`) and the rest of the file still applies.

use super::baseline::Baseline;
use super::{Preset, Rule, RULES};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lint::{L0001, L0002, L0003, L0004};
use crate::source::{FileId, Loc, SourceMap, Span};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file name looked for.
pub const FILE_NAME: &str = "charter.toml";

/// The level of a rule: off, or on with a severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    Warn,
    Error,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "off" | "allow" => Level::Off,
            "warn" | "warning" => Level::Warn,
            "error" | "deny" => Level::Error,
            _ => return None,
        })
    }
    pub fn of_rule(rule: &Rule) -> Level {
        match rule.code.severity {
            crate::diag::Severity::Error => Level::Error,
            crate::diag::Severity::Warning => Level::Warn,
        }
    }
}

/// Levels that apply to files matching some globs.
#[derive(Debug)]
pub struct Override {
    pub globs: GlobSet,
    pub rules: HashMap<&'static str, Level>,
}

/// The resolved `[lint]` configuration.
#[derive(Debug)]
pub struct LintConfig {
    pub presets: Vec<Preset>,
    /// Rule code → level, from `[lint.rules]`.
    pub rules: HashMap<&'static str, Level>,
    pub overrides: Vec<Override>,
    /// Where charter.toml is (override globs and the baseline path are relative to it).
    pub root: Option<PathBuf>,
    /// The baseline file, whether or not it exists yet.
    pub baseline_path: Option<PathBuf>,
    pub baseline: Option<Baseline>,
}

impl Default for LintConfig {
    fn default() -> LintConfig {
        LintConfig {
            presets: vec![Preset::Recommended],
            rules: HashMap::new(),
            overrides: Vec::new(),
            root: None,
            baseline_path: None,
            baseline: None,
        }
    }
}

impl LintConfig {
    /// Only the given presets.
    pub fn with_presets(presets: &[Preset]) -> LintConfig {
        LintConfig {
            presets: presets.to_vec(),
            ..LintConfig::default()
        }
    }

    /// Only the given rules, each at its default severity (fixtures, tests).
    pub fn only(codes: &[&str]) -> LintConfig {
        let mut c = LintConfig::with_presets(&[]);
        for r in RULES {
            if codes.iter().any(|k| r.code.id == *k || r.name == *k) {
                c.rules.insert(r.code.id, Level::of_rule(r));
            }
        }
        c
    }

    /// The level of `rule` on the file at `path`.
    pub fn level(&self, rule: &Rule, path: &str) -> Level {
        let mut level = self.preset_level(rule);
        if let Some(l) = self.rules.get(rule.code.id) {
            level = *l;
        }
        if !self.overrides.is_empty() {
            let rel = self.relative(path);
            for o in &self.overrides {
                if let Some(l) = o.rules.get(rule.code.id) {
                    if o.globs.is_match(&rel) || o.globs.is_match(path) {
                        level = *l;
                    }
                }
            }
        }
        level
    }

    /// The level the presets give a rule: Flow's linter fails a build on any finding, so the
    /// `flow` preset turns its rules on as errors; `recommended` uses each rule's own severity.
    pub fn preset_level(&self, rule: &Rule) -> Level {
        if self.presets.contains(&Preset::Flow) && rule.presets.contains(&Preset::Flow) {
            Level::Error
        } else if rule.presets.iter().any(|p| self.presets.contains(p)) {
            Level::of_rule(rule)
        } else {
            Level::Off
        }
    }

    /// Whether `rule` is on for at least some file (the engine skips rules that are off everywhere).
    pub fn may_enable(&self, rule: &Rule) -> bool {
        let base = match self.rules.get(rule.code.id) {
            Some(l) => *l,
            None => self.preset_level(rule),
        };
        base != Level::Off
            || self
                .overrides
                .iter()
                .any(|o| o.rules.get(rule.code.id).is_some_and(|l| *l != Level::Off))
    }

    /// `path` relative to the directory of charter.toml, when it is under it.
    pub fn relative(&self, path: &str) -> String {
        relative_to(self.root.as_deref(), path)
    }
}

/// `path` relative to `root` when it is under it (also after canonicalizing), else unchanged; with
/// `/` separators.
pub fn relative_to(root: Option<&Path>, path: &str) -> String {
    let p = Path::new(path);
    let rel = root.and_then(|root| {
        if let Ok(r) = p.strip_prefix(root) {
            return Some(r.to_path_buf());
        }
        let (cr, cp) = (root.canonicalize().ok()?, p.canonicalize().ok()?);
        cp.strip_prefix(&cr).ok().map(Path::to_path_buf)
    });
    let s = rel
        .as_deref()
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Walks up from `start` (a spec file or directory) to the nearest directory holding charter.toml.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Reads and parses a charter.toml, adding it to `sources` so its diagnostics have snippets.
/// A file that cannot be read is a diagnostic without a location; the defaults then apply.
pub fn load(path: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> LintConfig {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let file = sources.add(path, text.as_str());
            let root = path.parent().map(Path::to_path_buf);
            parse(&text, file, root, diags)
        }
        Err(e) => {
            diags.push(
                Diagnostic::new(&L0001, format!("cannot read {}: {e}", path.display()))
                    .with_path(path),
            );
            LintConfig::default()
        }
    }
}

#[derive(Deserialize)]
struct RawRoot {
    lint: Option<RawLint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLint {
    preset: Option<Spanned<toml::Value>>,
    rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    overrides: Option<Vec<RawOverride>>,
    baseline: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    paths: Spanned<Vec<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// Parses the text of a charter.toml (registered as `file`).
pub fn parse(
    text: &str,
    file: FileId,
    root: Option<PathBuf>,
    diags: &mut Diagnostics,
) -> LintConfig {
    let at = |span: std::ops::Range<usize>, pointer: &str| {
        Loc::new(file, Span::new(span.start, span.end), pointer)
    };
    let mut config = LintConfig {
        root: root.clone(),
        ..LintConfig::default()
    };
    let raw: RawRoot = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            diags.push(
                Diagnostic::new(
                    &L0001,
                    format!("invalid charter.toml: {}", e.message().trim()),
                )
                .at(at(span, "lint")),
            );
            return config;
        }
    };
    let Some(lint) = raw.lint else {
        return config;
    };
    if let Some(p) = lint.preset {
        let span = p.span();
        let names: Vec<Option<&str>> = match p.get_ref() {
            toml::Value::String(s) => vec![Some(s.as_str())],
            toml::Value::Array(a) => a.iter().map(|v| v.as_str()).collect(),
            _ => vec![None],
        };
        config.presets.clear();
        for n in names {
            match n {
                Some("recommended") => config.presets.push(Preset::Recommended),
                Some("flow") => config.presets.push(Preset::Flow),
                Some("all") => config.presets.extend([Preset::Recommended, Preset::Flow]),
                Some("none") => {}
                other => diags.push(
                    Diagnostic::new(
                        &L0003,
                        match other {
                            Some(s) => format!("unknown preset `{s}`"),
                            None => "a preset must be a string or a list of strings".into(),
                        },
                    )
                    .at(at(span.clone(), "lint.preset"))
                    .with_help("presets: \"recommended\", \"flow\", \"all\", \"none\""),
                ),
            }
        }
    }
    if let Some(rules) = lint.rules {
        config.rules = levels(&rules, "lint.rules", &at, diags);
    }
    for (i, o) in lint.overrides.unwrap_or_default().into_iter().enumerate() {
        let mut b = GlobSetBuilder::new();
        for g in o.paths.get_ref() {
            match Glob::new(g) {
                Ok(g) => {
                    b.add(g);
                }
                Err(e) => diags.push(
                    Diagnostic::new(&L0003, format!("invalid glob `{g}`: {e}"))
                        .at(at(o.paths.span(), &format!("lint.overrides[{i}].paths"))),
                ),
            }
        }
        let globs = b.build().unwrap_or_else(|_| GlobSet::empty());
        let rules = levels(&o.rules, &format!("lint.overrides[{i}].rules"), &at, diags);
        config.overrides.push(Override { globs, rules });
    }
    if let Some(b) = lint.baseline {
        let rel = PathBuf::from(b.get_ref());
        let path = match &root {
            Some(r) if rel.is_relative() => r.join(rel),
            _ => rel,
        };
        if path.exists() {
            match Baseline::read(&path, root.clone()) {
                Ok(bl) => config.baseline = Some(bl),
                Err(e) => diags.push(
                    Diagnostic::new(
                        &L0004,
                        format!("cannot use baseline {}: {e}", path.display()),
                    )
                    .at(at(b.span(), "lint.baseline")),
                ),
            }
        }
        config.baseline_path = Some(path);
    }
    config
}

fn levels(
    raw: &BTreeMap<Spanned<String>, Spanned<String>>,
    pointer: &str,
    at: &dyn Fn(std::ops::Range<usize>, &str) -> Loc,
    diags: &mut Diagnostics,
) -> HashMap<&'static str, Level> {
    let mut out = HashMap::new();
    for (k, v) in raw {
        let Some(rule) = super::rule(k.get_ref()) else {
            diags.push(
                Diagnostic::new(&L0002, format!("unknown lint rule `{}`", k.get_ref()))
                    .at(at(k.span(), pointer))
                    .with_help("see docs/lints.md or `charter explain L0101` for the rules"),
            );
            continue;
        };
        match Level::parse(v.get_ref()) {
            Some(l) => {
                out.insert(rule.code.id, l);
            }
            None => diags.push(
                Diagnostic::new(
                    &L0003,
                    format!("invalid level `{}` for {}", v.get_ref(), rule.code),
                )
                .at(at(v.span(), pointer))
                .with_help("levels: \"off\", \"warn\", \"error\""),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (LintConfig, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let file = sources.add("charter.toml", text);
        let mut diags = Diagnostics::new();
        let c = parse(text, file, None, &mut diags);
        (c, diags.into_vec())
    }

    #[test]
    fn defaults_to_recommended() {
        let (c, d) = parse_str("[other]\nx = 1\n");
        assert!(d.is_empty());
        assert_eq!(c.presets, vec![Preset::Recommended]);
    }

    #[test]
    fn presets_rules_and_overrides() {
        let (c, d) = parse_str(
            "[lint]\npreset = \"flow\"\n[lint.rules]\nL0103 = \"error\"\nno-trailing-slash = \"off\"\n\
             [[lint.overrides]]\npaths = [\"legacy/**\"]\nrules = { L0103 = \"off\" }\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.presets, vec![Preset::Flow]);
        let lower = super::super::rule("L0103").unwrap();
        let slash = super::super::rule("no-trailing-slash").unwrap();
        assert_eq!(c.level(lower, "specs/a.json"), Level::Error);
        assert_eq!(c.level(lower, "legacy/old/a.json"), Level::Off);
        assert_eq!(c.level(slash, "specs/a.json"), Level::Off);
    }

    #[test]
    fn bad_config_is_located() {
        let text = "[lint]\n[lint.rules]\nL9999 = \"warn\"\nL0103 = \"loud\"\n";
        let (_, mut d) = parse_str(text);
        d.sort_by_key(|x| x.code);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].code, "L0002");
        let span = d[0].loc.as_ref().unwrap().span;
        assert_eq!(&text[span.start as usize..span.end as usize], "L9999");
        assert_eq!(d[1].code, "L0003");
        let span = d[1].loc.as_ref().unwrap().span;
        assert_eq!(&text[span.start as usize..span.end as usize], "\"loud\"");

        let (_, d) = parse_str("[lint]\npreset = \n");
        assert_eq!(d[0].code, "L0001");
        assert!(d[0].loc.is_some());

        let (_, d) = parse_str("[lint]\nrulez = {}\n");
        assert_eq!(d[0].code, "L0001");
        assert!(d[0].message.contains("rulez"), "{}", d[0].message);

        let (_, d) = parse_str("[lint]\npreset = \"strict\"\n");
        assert_eq!(d[0].code, "L0003");
    }
}
