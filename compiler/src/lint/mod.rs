//! The linter: style and convention rules over the resolved IR of specs that validated.
//!
//! Each rule lives in its own module under [`rules`] and exports one [`Rule`] descriptor: a stable
//! code, a kebab-case name, a one-line summary, a default severity, the presets it belongs to, its
//! long documentation and its check function. [`RULES`] lists them all, in one place.
//!
//! [`lint`] runs the enabled rules over every service whose file has no validation error, then
//! applies, in order: the configured level of the rule for the finding's file (presets, `[lint.rules]`,
//! per-path overrides, see [`config`]), per-element suppression through the `linter` attribute
//! (compatible with Flow's `{"ignore": [...]}`) and the baseline ([`baseline`]).

pub mod baseline;
pub mod config;
pub mod docs;
pub mod rules;
pub mod sarif;
pub mod util;

use crate::diag::{Code, Diagnostic, Diagnostics, Severity};
use crate::ir::{Attribute, Repo, Service, ServiceId};
use crate::source::{FileId, Loc, SourceMap};
pub use config::{Level, LintConfig};
use std::collections::{HashMap, HashSet};

// Codes of the linter itself (configuration and baseline problems), as opposed to rule codes.
crate::codes! {
    L0001: Error,
        "invalid charter.toml",
        "charter.toml is not valid TOML, or its `[lint]` table has an unknown key or a value of the \
         wrong type. Keys of `[lint]`: `preset` (a preset name or a list of them), `rules` (a table of \
         rule code or name → \"off\" | \"warn\" | \"error\"), `overrides` (an array of tables with \
         `paths`, a list of globs relative to charter.toml, and `rules`), `baseline` (a file path).";
    L0002: Error,
        "unknown lint rule",
        "charter.toml names a rule that does not exist. Rules are named by code (`L0103`) or by \
         name (`lower-case-paths`); `charter explain L0103` prints one, docs/lints.md lists them all.";
    L0003: Error,
        "invalid lint level or preset",
        "A rule level must be \"off\", \"warn\" or \"error\"; a preset must be \"recommended\", \
         \"flow\" or \"all\"; an override path must be a valid glob.";
    L0004: Error,
        "unreadable baseline",
        "The baseline file named in charter.toml (or on the command line) exists but cannot be read \
         or is not a baseline written by `charter lint --write-baseline`.";
}

/// A group of rules that a configuration turns on together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Charter's defaults: naming, paths, paging, documentation, events.
    Recommended,
    /// Every rule of Flow Commerce's api-build linter, plus the repo checks of its `oneapi`.
    Flow,
}

impl Preset {
    pub fn name(self) -> &'static str {
        match self {
            Preset::Recommended => "recommended",
            Preset::Flow => "flow",
        }
    }
}

/// One lint rule.
pub struct Rule {
    /// Stable code (`L01xx` general rules, `L02xx` Flow's linters, `L03xx` repo-wide checks), its
    /// default severity, one-line summary and Markdown documentation (what, why, how to fix), in
    /// the registry of [`crate::codes`] like every other code.
    pub code: Code,
    /// Kebab-case name, usable instead of the code in charter.toml and `linter` attributes.
    pub name: &'static str,
    pub presets: &'static [Preset],
    /// The Flow api-build linter this rule reproduces, if any (`LowerCasePaths`).
    pub flow: Option<&'static str>,
    /// Keys of Flow's `linter` attribute (`{"ignore": [...]}`) that also suppress this rule.
    pub ignore_keys: &'static [&'static str],
    pub check: fn(&Context, &mut Sink),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rule({} {})", self.code.id, self.name)
    }
}

pub use rules::RULES;

/// What rule modules import.
pub mod prelude {
    pub use super::util::*;
    pub use super::{Context, Preset, Rule, Sink};
    pub use crate::diag::{Code, Severity};
    pub use crate::ir::*;
    pub use crate::source::Loc;

    pub const RECOMMENDED: &[Preset] = &[Preset::Recommended];
    pub const FLOW: &[Preset] = &[Preset::Flow];
    pub const BOTH: &[Preset] = &[Preset::Recommended, Preset::Flow];
}

/// Finds a rule by code or name (case-insensitive for codes).
pub fn rule(key: &str) -> Option<&'static Rule> {
    match crate::codes::entry(key)? {
        crate::codes::Entry::Lint(r) => Some(r),
        _ => None,
    }
}

/// The text `charter explain` prints for a lint rule.
pub fn explain_rule(r: &Rule) -> String {
    let presets: Vec<&str> = r.presets.iter().map(|p| p.name()).collect();
    let mut text = format!(
        "{} {} ({}; presets: {})\n{}\n",
        r.code.id,
        r.name,
        r.code.severity.as_str(),
        presets.join(", "),
        r.code.summary
    );
    if let Some(f) = r.flow {
        text.push_str(&format!("Flow linter: {f}\n"));
    }
    text.push('\n');
    text.push_str(&docs::unindent(r.code.explain));
    text
}

/// The fix of a rule: the `Fix:` paragraph of its documentation on one line, without `Fix: `.
/// Findings whose rule gives no specific help get this one, so every finding has a help line.
pub fn fix_text(r: &Rule) -> Option<String> {
    let doc = docs::unindent(r.code.explain);
    let start = doc.find("Fix: ")? + "Fix: ".len();
    let paragraph = doc[start..].split("\n\n").next().unwrap_or("");
    let line = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then_some(line)
}

/// What a rule sees: the repo and the services to lint.
pub struct Context<'a> {
    pub repo: &'a Repo,
    linted: Vec<ServiceId>,
}

impl<'a> Context<'a> {
    pub fn new(repo: &'a Repo, linted: Vec<ServiceId>) -> Context<'a> {
        Context { repo, linted }
    }
    /// The services being linted (those whose file validated).
    pub fn services(&self) -> impl Iterator<Item = (ServiceId, &'a Service)> + '_ {
        self.linted.iter().map(|id| (*id, self.repo.service(*id)))
    }
}

/// One finding of a rule, before the engine gives it a code and a level.
#[derive(Clone, Debug)]
pub struct Finding {
    pub loc: Loc,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Finding {
        self.help = Some(help.into());
        self
    }
}

/// Where rules put their findings.
#[derive(Default)]
pub struct Sink {
    findings: Vec<Finding>,
}

impl Sink {
    pub fn report(&mut self, loc: &Loc, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            loc: loc.clone(),
            message: message.into(),
            help: None,
        });
        self.findings.last_mut().expect("just pushed")
    }
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// Counts of what the engine dropped, for summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LintStats {
    /// Services linted (the others had validation errors).
    pub linted: usize,
    /// Services skipped because they did not validate.
    pub skipped: usize,
    /// Findings silenced by a `linter` attribute.
    pub suppressed: usize,
    /// Findings recorded in the baseline.
    pub baselined: usize,
}

/// Lints every service of `repo` whose file has no error in `diags`, adding the findings to `diags`.
pub fn lint(
    repo: &Repo,
    sources: &SourceMap,
    config: &LintConfig,
    diags: &mut Diagnostics,
) -> LintStats {
    let findings = run(repo, sources, config, diags);
    let mut stats = findings.stats;
    let kept = match &config.baseline {
        Some(b) => {
            let (kept, dropped) = b.filter(findings.diagnostics, sources);
            stats.baselined = dropped;
            kept
        }
        None => findings.diagnostics,
    };
    diags.extend(kept);
    stats
}

/// The findings of a run before the baseline is applied (what `--write-baseline` records).
pub struct Findings {
    pub diagnostics: Vec<Diagnostic>,
    pub stats: LintStats,
}

/// Runs the rules and applies levels and suppressions, but not the baseline.
pub fn run(repo: &Repo, sources: &SourceMap, config: &LintConfig, diags: &Diagnostics) -> Findings {
    let invalid: HashSet<FileId> = diags
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| d.loc.as_ref().map(|l| l.file))
        .collect();
    let linted: Vec<ServiceId> = repo
        .service_ids()
        .filter(|id| !invalid.contains(&repo.service(*id).file))
        .collect();
    let mut stats = LintStats {
        linted: linted.len(),
        skipped: repo.services.len() - linted.len(),
        ..LintStats::default()
    };
    let cx = Context::new(repo, linted);
    let ignores = IgnoreIndex::build(&cx);
    let mut out = Vec::new();
    let mut paths: HashMap<FileId, String> = HashMap::new();
    for rule in RULES {
        if !config.may_enable(rule) {
            continue;
        }
        let mut sink = Sink::default();
        (rule.check)(&cx, &mut sink);
        let fix = fix_text(rule);
        for f in sink.findings {
            let path = paths
                .entry(f.loc.file)
                .or_insert_with(|| sources.path(f.loc.file).to_string_lossy().into_owned());
            let severity = match config.level(rule, path) {
                Level::Off => continue,
                Level::Warn => Severity::Warning,
                Level::Error => Severity::Error,
            };
            if ignores.suppresses(rule, &f.loc) {
                stats.suppressed += 1;
                continue;
            }
            let mut d = Diagnostic::new(&rule.code, f.message)
                .with_severity(severity)
                .at(f.loc);
            d.help = f.help.or_else(|| fix.clone());
            out.push(d);
        }
    }
    Findings {
        diagnostics: out,
        stats,
    }
}

/// The `linter` attributes of the linted services: element pointer → ignore keys.
struct IgnoreIndex {
    entries: HashMap<FileId, Vec<(String, Vec<String>)>>,
}

impl IgnoreIndex {
    fn build(cx: &Context) -> IgnoreIndex {
        let mut entries: HashMap<FileId, Vec<(String, Vec<String>)>> = HashMap::new();
        for (_, s) in cx.services() {
            util::for_each_attribute(s, &mut |a: &Attribute| {
                if a.name != "linter" {
                    return;
                }
                let Some(keys) = a.value.get("ignore").and_then(|v| v.as_array()) else {
                    return;
                };
                let keys: Vec<String> = keys
                    .iter()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect();
                entries
                    .entry(a.loc.file)
                    .or_default()
                    .push((element_pointer(&a.loc.pointer).to_string(), keys));
            });
        }
        IgnoreIndex { entries }
    }

    fn suppresses(&self, rule: &Rule, loc: &Loc) -> bool {
        let Some(list) = self.entries.get(&loc.file) else {
            return false;
        };
        list.iter().any(|(element, keys)| {
            within(&loc.pointer, element)
                && keys.iter().any(|k| {
                    k.eq_ignore_ascii_case(rule.code.id)
                        || k == rule.name
                        || rule.ignore_keys.contains(&k.as_str())
                })
        })
    }
}

/// `/models/user/attributes/0` → `/models/user`.
fn element_pointer(attr_pointer: &str) -> &str {
    match attr_pointer.rfind("/attributes") {
        Some(i) => &attr_pointer[..i],
        None => attr_pointer,
    }
}

/// Whether `pointer` is `element` or inside it.
fn within(pointer: &str, element: &str) -> bool {
    pointer == element
        || (pointer.starts_with(element) && pointer.as_bytes().get(element.len()) == Some(&b'/'))
        || element.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_well_formed_and_unique() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in RULES {
            assert!(codes.insert(r.code.id), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(
                r.code.id.starts_with('L') && r.code.id.len() == 5,
                "{}",
                r.code
            );
            assert!(r.code.id.as_bytes()[1..].iter().all(u8::is_ascii_digit));
            assert!(
                r.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.name
            );
            assert!(
                !r.code.summary.is_empty() && !r.code.explain.is_empty(),
                "{}",
                r.code
            );
            assert!(!r.presets.is_empty(), "{} is in no preset", r.code);
            assert!(
                fix_text(r).is_some(),
                "{}: the doc has no `Fix: ` paragraph (the help line of its findings)",
                r.code
            );
            assert!(CODES.iter().all(|c| c.id != r.code.id));
        }
    }

    #[test]
    fn pointers_nest() {
        assert_eq!(element_pointer("/models/user/attributes/0"), "/models/user");
        assert!(within("/models/user/fields/0", "/models/user"));
        assert!(within("/models/user", "/models/user"));
        assert!(!within("/models/user_form", "/models/user"));
    }
}
