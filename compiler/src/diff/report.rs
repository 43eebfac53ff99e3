//! Rendering a [`DiffReport`]: JSON (a stable contract), human text and markdown (handlebars
//! templates), GitHub Actions annotations.
//!
//! JSON shape (documented in docs/diff.md; keep it stable):
//! `{"verdict":"breaking"|"dangerous"|"non-breaking","suggested_bump":"major"|"minor"|"patch"|"none",
//! "changes":[{"rule","class","message","file","line","pointer","affects":[…]}]}`; a change accepted
//! by the allow-list also has `"allowed": "<reason>"`.

use super::{Bump, Change, Class, DiffReport};
use handlebars::Handlebars;
use serde::Serialize;

#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub verdict: Class,
    pub suggested_bump: Bump,
    pub changes: &'a [Change],
}

pub fn to_json(report: &DiffReport) -> serde_json::Value {
    serde_json::to_value(JsonReport {
        verdict: report.verdict(),
        suggested_bump: report.suggested_bump(),
        changes: &report.changes,
    })
    .unwrap_or(serde_json::Value::Null)
}

pub fn render_json(report: &DiffReport) -> String {
    serde_json::to_string_pretty(&to_json(report)).unwrap_or_default()
}

const HUMAN: &str =
    "{{#each changes}}{{class}} [{{rule}}] {{message}}{{#if allowed}} (allowed: {{allowed}}){{/if}}
{{#if file}}  --> {{file}}{{#if line}}:{{line}}{{/if}} {{pointer}}
{{/if}}{{#if affects}}  affects: {{#each affects}}{{#unless @first}}, {{/unless}}{{this}}{{/each}}
{{/if}}{{/each}}{{summary}}
";

const MARKDOWN: &str = "## Charter API diff: {{verdict}}

Suggested version bump: **{{suggested_bump}}**. {{summary}}

{{#if changes}}{{#if attention}}| class | rule | change | where | affects |
|---|---|---|---|---|
{{#each attention}}{{> row}}{{/each}}{{else}}Nothing needs attention.
{{/if}}{{#if routine}}
<details><summary>{{routine_count}} non-breaking change(s)</summary>

| class | rule | change | where | affects |
|---|---|---|---|---|
{{#each routine}}{{> row}}{{/each}}
</details>
{{/if}}{{else}}No changes.
{{/if}}";

/// One table row of the markdown report.
const MARKDOWN_ROW: &str = "| {{class}}{{#if allowed}} (allowed){{/if}} | `{{rule}}` | {{cell message}}{{#if allowed}} — allowed: {{cell allowed}}{{/if}} | {{#if file}}`{{file}}{{#if line}}:{{line}}{{/if}}`{{/if}} | {{#each affects}}{{#unless @first}}, {{/unless}}`{{this}}`{{/each}} |
";

fn registry() -> Handlebars<'static> {
    let mut h = crate::report::templates();
    h.register_template_string("human", HUMAN)
        .expect("human template");
    h.register_template_string("markdown", MARKDOWN.replace("{{> row}}", MARKDOWN_ROW))
        .expect("markdown template");
    h
}

/// `3 changes: 1 breaking, 1 dangerous, 1 non-breaking; suggested bump: major`.
pub fn summary(report: &DiffReport) -> String {
    let count = |c: Class| {
        report
            .changes
            .iter()
            .filter(|x| x.class == c && x.allowed.is_none())
            .count()
    };
    let allowed = report
        .changes
        .iter()
        .filter(|x| x.allowed.is_some())
        .count();
    let mut s = format!(
        "{} change(s): {} breaking, {} dangerous, {} non-breaking",
        report.changes.len(),
        count(Class::Breaking),
        count(Class::Dangerous),
        count(Class::NonBreaking)
    );
    if allowed > 0 {
        s.push_str(&format!(", {allowed} allowed"));
    }
    s.push_str(&format!(
        "; verdict: {}; suggested bump: {}",
        report.verdict().as_str(),
        report.suggested_bump().as_str()
    ));
    s
}

fn render(name: &str, report: &DiffReport) -> String {
    let mut data = to_json(report);
    if let Some(obj) = data.as_object_mut() {
        obj.insert("summary".into(), summary(report).into());
        // markdown: breaking and dangerous changes (not allowed) first, the rest folded
        let (attention, routine): (Vec<&Change>, Vec<&Change>) = report
            .changes
            .iter()
            .partition(|c| c.class != Class::NonBreaking && c.allowed.is_none());
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

pub fn render_human(report: &DiffReport) -> String {
    render("human", report)
}

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
            &format!("{} ({})", c.rule, c.class.as_str()),
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
            "rule", "class", "message", "file", "line", "pointer", "affects",
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
        assert!(m.contains("## Charter API diff: breaking"), "{m}");
        assert!(
            m.contains("| breaking | `FIELD_REMOVED` | model user field removed: id\\|x |"),
            "{m}"
        );
        let g = render_github(&r);
        assert!(
            g.starts_with(
                "::error file=api.json,line=3,title=FIELD_REMOVED (breaking)::model user"
            ),
            "{g}"
        );
        assert!(g.contains("%0Aaffects: GET /users"), "{g}");
        assert!(render_markdown(&DiffReport::default()).contains("No changes."));
        let mut docs = report();
        docs.changes[0].class = Class::NonBreaking;
        docs.changes[0].rule = "DESCRIPTION_CHANGED";
        let m = render_markdown(&docs);
        assert!(m.contains("Nothing needs attention."), "{m}");
        assert!(
            m.contains("<details><summary>1 non-breaking change(s)</summary>"),
            "{m}"
        );
        assert!(
            m.contains("| non-breaking | `DESCRIPTION_CHANGED` |"),
            "{m}"
        );
    }
}
