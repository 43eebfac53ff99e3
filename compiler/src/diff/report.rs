//! Rendering a [`DiffReport`]: JSON (a stable contract), human text and markdown (handlebars
//! templates), GitHub Actions annotations.
//!
//! JSON shape (documented in docs/diff.md; keep it stable):
//! `{"verdict":"breaking"|"dangerous"|"non-breaking","source_verdict":…,"accepted":null|class,
//! "suggested_bump":"major"|"minor"|"patch"|"none","bump_reason":null|"…","summary":"…",
//! "changes":[{"rule","class","source","message","file","line","pointer","affects":[…]}]}`; a change
//! accepted by the allow-list also has `"allowed": "<reason>"`. `class` and `verdict` are the wire
//! axis; `source` and `source_verdict` the source axis.

use super::{Bump, Change, Class, DiffReport};
#[cfg(feature = "reports")]
use handlebars::Handlebars;
use serde::Serialize;

#[derive(Serialize)]
pub struct JsonReport<'a> {
    /// Wire axis, without the changes the allow-list accepted: what the exit code follows.
    pub verdict: Class,
    /// Source axis, likewise (`--fail-on source` gates on it too).
    pub source_verdict: Class,
    /// The most severe class (either axis) among the accepted changes; `null` when none.
    pub accepted: Option<Class>,
    pub suggested_bump: Bump,
    /// Why the bump is what it is (the rule and pointer of the change asking for it).
    pub bump_reason: Option<String>,
    /// The one-line summary the human and markdown reports print.
    pub summary: String,
    pub changes: &'a [Change],
}

pub fn to_json(report: &DiffReport) -> serde_json::Value {
    serde_json::to_value(JsonReport {
        verdict: report.verdict(),
        source_verdict: report.source_verdict(),
        accepted: report.accepted(),
        suggested_bump: report.suggested_bump(),
        bump_reason: bump_reason(report),
        summary: summary(report),
        changes: &report.changes,
    })
    .unwrap_or(serde_json::Value::Null)
}

/// `FIELD_REMOVED at /models/user/fields/1 (breaking on the wire and source, accepted by the allow-list)`.
fn bump_reason(report: &DiffReport) -> Option<String> {
    let c = report.bump_reason()?;
    let axes = match (c.class, c.source) {
        (w, s) if w == s => format!("{} on the wire and source", w.as_str()),
        (w, s) => format!("{} on the wire, {} on source", w.as_str(), s.as_str()),
    };
    let allowed = if c.allowed.is_some() {
        ", accepted by the allow-list: accepted is not compatible"
    } else {
        ""
    };
    Some(format!("{} at {} ({axes}{allowed})", c.rule, c.pointer))
}

pub fn render_json(report: &DiffReport) -> String {
    serde_json::to_string_pretty(&to_json(report)).unwrap_or_default()
}

#[cfg(feature = "reports")]
const HUMAN: &str =
    "{{#each changes}}{{class}} [{{rule}}] {{message}} (source: {{source}}){{#if allowed}} (allowed: {{allowed}}){{/if}}
{{#if file}}  --> {{file}}{{#if line}}:{{line}}{{/if}} {{pointer}}
{{/if}}{{#if affects}}  affects: {{#each affects}}{{#unless @first}}, {{/unless}}{{this}}{{/each}}
{{/if}}{{/each}}{{summary}}
";

#[cfg(feature = "reports")]
const MARKDOWN: &str = "## Charter API diff: {{verdict}} (source: {{source_verdict}})

Suggested version bump: **{{suggested_bump}}**. {{summary}}

Wire: what deployed clients and consumers feel; source: whether code using the generated client
and models still compiles (docs/diff.md).

{{#if changes}}{{#if attention}}| wire | source | rule | change | where | affects |
|---|---|---|---|---|---|
{{#each attention}}{{> row}}{{/each}}{{else}}Nothing needs attention.
{{/if}}{{#if routine}}
<details><summary>{{routine_count}} non-breaking change(s)</summary>

| wire | source | rule | change | where | affects |
|---|---|---|---|---|---|
{{#each routine}}{{> row}}{{/each}}
</details>
{{/if}}{{else}}No changes.
{{/if}}";

#[cfg(feature = "reports")]
/// One table row of the markdown report.
const MARKDOWN_ROW: &str = "| {{class}}{{#if allowed}} (allowed){{/if}} | {{source}} | `{{rule}}` | {{cell message}}{{#if allowed}} — allowed: {{cell allowed}}{{/if}} | {{#if file}}`{{file}}{{#if line}}:{{line}}{{/if}}`{{/if}} | {{#each affects}}{{#unless @first}}, {{/unless}}`{{this}}`{{/each}} |
";

#[cfg(feature = "reports")]
fn registry() -> Handlebars<'static> {
    let mut h = crate::report::templates();
    h.register_template_string("human", HUMAN)
        .expect("human template");
    h.register_template_string("markdown", MARKDOWN.replace("{{> row}}", MARKDOWN_ROW))
        .expect("markdown template");
    h
}

/// `3 change(s): 1 breaking, 1 dangerous, 1 non-breaking (wire); 2 breaking (source); verdict:
/// breaking (source: breaking); suggested bump: major`. With accepted changes it says how many,
/// how severe, and why the bump is still what it is, so verdict and bump never contradict.
pub fn summary(report: &DiffReport) -> String {
    let open = || report.changes.iter().filter(|x| x.allowed.is_none());
    let count = |c: Class| open().filter(|x| x.class == c).count();
    let source_breaking = open().filter(|x| x.source == Class::Breaking).count();
    let allowed: Vec<&Change> = report
        .changes
        .iter()
        .filter(|x| x.allowed.is_some())
        .collect();
    let mut s = format!(
        "{} change(s): {} breaking, {} dangerous, {} non-breaking (wire); {} breaking (source)",
        report.changes.len(),
        count(Class::Breaking),
        count(Class::Dangerous),
        count(Class::NonBreaking),
        source_breaking,
    );
    s.push_str(&format!(
        "; verdict: {} (source: {})",
        report.verdict().as_str(),
        report.source_verdict().as_str()
    ));
    if let Some(worst) = report.accepted() {
        s.push_str(&format!(
            ", after {} change(s) accepted by the allow-list ({} at worst)",
            allowed.len(),
            worst.as_str()
        ));
    }
    let bump = report.suggested_bump();
    s.push_str(&format!("; suggested bump: {}", bump.as_str()));
    if let Some(c) = report.bump_reason() {
        if c.allowed.is_some() {
            s.push_str(&format!(
                ", because the accepted {} at {} is {} (accepting a change does not make it compatible)",
                c.rule,
                c.pointer,
                c.class.max(c.source).as_str()
            ));
        }
    }
    s
}

#[cfg(feature = "reports")]
fn render(name: &str, report: &DiffReport) -> String {
    let mut data = to_json(report);
    if let Some(obj) = data.as_object_mut() {
        // markdown: breaking and dangerous changes (not allowed) first, the rest folded
        let (attention, routine): (Vec<&Change>, Vec<&Change>) =
            report.changes.iter().partition(|c| {
                (c.class != Class::NonBreaking || c.source == Class::Breaking)
                    && c.allowed.is_none()
            });
        obj.insert(
            "attention".into(),
            serde_json::to_value(attention).unwrap_or_default(),
        );
        obj.insert("routine_count".into(), routine.len().into());
        obj.insert(
            "routine".into(),
            serde_json::to_value(routine).unwrap_or_default(),
        );
    }
    registry()
        .render(name, &data)
        .unwrap_or_else(|e| format!("template error: {e}\n"))
}

#[cfg(feature = "reports")]
pub fn render_human(report: &DiffReport) -> String {
    render("human", report)
}

#[cfg(feature = "reports")]
pub fn render_markdown(report: &DiffReport) -> String {
    render("markdown", report)
}

/// GitHub Actions workflow commands: breaking → error, dangerous → warning, others → notice.
pub fn render_github(report: &DiffReport) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let level = match (c.class, c.allowed.is_some()) {
            (_, true) | (Class::NonBreaking, _) => "notice",
            (Class::Breaking, _) => "error",
            (Class::Dangerous, _) => "warning",
        };
        let mut msg = c.message.clone();
        if !c.affects.is_empty() {
            msg.push_str(&format!("\naffects: {}", c.affects.join(", ")));
        }
        out.push_str(&crate::report::github_annotation(
            level,
            c.file.as_deref(),
            c.line,
            None,
            &format!(
                "{} (wire {} / source {})",
                c.rule,
                c.class.as_str(),
                c.source.as_str()
            ),
            &msg,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> DiffReport {
        DiffReport {
            changes: vec![Change {
                rule: "FIELD_REMOVED",
                class: Class::Breaking,
                source: Class::Breaking,
                docs_only: false,
                message: "model user field removed: id|x".into(),
                file: Some("api.json".into()),
                line: Some(3),
                pointer: "/models/user/fields/0".into(),
                affects: vec!["GET /users".into(), "event user_upserted".into()],
                allowed: None,
            }],
        }
    }

    #[test]
    fn json_has_the_documented_shape() {
        let v = to_json(&report());
        assert_eq!(v["verdict"], "breaking");
        assert_eq!(v["suggested_bump"], "major");
        let c = &v["changes"][0];
        for key in [
            "rule", "class", "source", "message", "file", "line", "pointer", "affects",
        ] {
            assert!(c.get(key).is_some(), "missing {key}");
        }
        assert!(c.get("allowed").is_none());
        let empty = to_json(&DiffReport::default());
        assert_eq!(empty["verdict"], "non-breaking");
        assert_eq!(empty["suggested_bump"], "none");
    }

    #[test]
    fn human_markdown_and_github() {
        let r = report();
        let h = render_human(&r);
        assert!(
            h.contains("breaking [FIELD_REMOVED] model user field removed: id|x"),
            "{h}"
        );
        assert!(h.contains("--> api.json:3 /models/user/fields/0"), "{h}");
        assert!(
            h.contains("affects: GET /users, event user_upserted"),
            "{h}"
        );
        let m = render_markdown(&r);
        assert!(
            m.contains("## Charter API diff: breaking (source: breaking)"),
            "{m}"
        );
        assert!(
            m.contains(
                "| breaking | breaking | `FIELD_REMOVED` | model user field removed: id\\|x |"
            ),
            "{m}"
        );
        let g = render_github(&r);
        assert!(
            g.starts_with(
                "::error file=api.json,line=3,title=FIELD_REMOVED (wire breaking / source breaking)::model user"
            ),
            "{g}"
        );
        assert!(g.contains("%0Aaffects: GET /users"), "{g}");
        assert!(render_markdown(&DiffReport::default()).contains("No changes."));
        let mut docs = report();
        docs.changes[0].class = Class::NonBreaking;
        docs.changes[0].source = Class::NonBreaking;
        docs.changes[0].rule = "DESCRIPTION_CHANGED";
        let m = render_markdown(&docs);
        assert!(m.contains("Nothing needs attention."), "{m}");
        assert!(
            m.contains("<details><summary>1 non-breaking change(s)</summary>"),
            "{m}"
        );
        assert!(
            m.contains("| non-breaking | non-breaking | `DESCRIPTION_CHANGED` |"),
            "{m}"
        );
    }

    /// An accepted breaking change: the verdict passes, the bump stays major, and the summary
    /// says why instead of "verdict: non-breaking; suggested bump: major".
    #[test]
    fn verdict_and_bump_agree_when_something_is_allowed() {
        let mut r = report();
        r.changes[0].allowed = Some("no client reads it".into());
        assert_eq!(r.verdict(), Class::NonBreaking);
        assert_eq!(r.suggested_bump(), Bump::Major);
        let s = summary(&r);
        assert!(
            !s.contains("verdict: non-breaking; suggested bump: major"),
            "{s}"
        );
        assert!(
            s.contains("1 change(s) accepted by the allow-list (breaking at worst)"),
            "{s}"
        );
        assert!(
            s.contains("because the accepted FIELD_REMOVED at /models/user/fields/0 is breaking"),
            "{s}"
        );
        let v = to_json(&r);
        assert_eq!(v["accepted"], "breaking");
        assert_eq!(v["summary"], s.as_str());
        assert!(
            v["bump_reason"].as_str().unwrap().contains("accepted"),
            "{v}"
        );
        // nothing allowed: no word about acceptance
        let s = summary(&report());
        assert!(!s.contains("accepted"), "{s}");
        assert!(
            s.ends_with("verdict: breaking (source: breaking); suggested bump: major"),
            "{s}"
        );
    }
}
