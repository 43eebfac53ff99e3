//! The `[diff]` section of charter.toml: an allow-list of reviewed changes.
//!
//! ```toml
//! [diff]
//! allow = [
//!   { rule = "FIELD_REMOVED", pointer = "/models/user/fields/1", reason = "no client reads it (JIRA-123)" },
//! ]
//! ```
//!
//! An entry accepts the changes with exactly that rule and pointer: they stay in the report, marked
//! as allowed with the reason, and no longer count towards the verdict.

use super::DiffReport;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DiffConfig {
    #[serde(default)]
    pub allow: Vec<Allow>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    pub rule: String,
    pub pointer: String,
    pub reason: String,
}

/// Reads the `[diff]` section of a charter.toml text; other sections are ignored.
pub fn parse(text: &str) -> Result<DiffConfig, String> {
    toml::from_str::<toml::Table>(text).map_err(|e| e.message().trim().to_string())?;
    // Other sections' problems are reported by the commands that read them.
    let mut others = crate::diag::Diagnostics::new();
    let file = crate::config::Config::parse(text.to_string(), None, None, None, &mut others);
    let mut diags = crate::diag::Diagnostics::new();
    let config = file.section::<DiffConfig>("diff", &mut diags);
    if let Some(d) = diags.iter().next() {
        return Err(d.message.clone());
    }
    let config = config.unwrap_or_default();
    config.validate()?;
    Ok(config)
}

impl DiffConfig {
    /// Every entry names a rule of the catalogue or a database rule (`DB004`) and gives a reason.
    pub fn validate(&self) -> Result<(), String> {
        for a in &self.allow {
            if !super::is_rule(&a.rule) {
                return Err(format!(
                    "[diff] allow: unknown rule `{}` (a diff rule such as FIELD_REMOVED or a database rule DB001–DB012; `charter explain RULE`)",
                    a.rule
                ));
            }
            if a.reason.trim().is_empty() {
                return Err(format!(
                    "[diff] allow: the entry for {} {} needs a reason",
                    a.rule, a.pointer
                ));
            }
        }
        Ok(())
    }
}

impl DiffConfig {
    /// Marks the changes the allow-list accepts. Returns the entries that matched nothing (stale).
    pub fn apply(&self, report: &mut DiffReport) -> Vec<&Allow> {
        let mut used = vec![false; self.allow.len()];
        for c in &mut report.changes {
            if let Some(i) = self
                .allow
                .iter()
                .position(|a| a.rule.eq_ignore_ascii_case(c.rule) && a.pointer == c.pointer)
            {
                used[i] = true;
                c.allowed = Some(self.allow[i].reason.clone());
            }
        }
        self.allow
            .iter()
            .zip(used)
            .filter(|(_, u)| !u)
            .map(|(a, _)| a)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Change, Class};

    fn change(rule: &'static str, pointer: &str) -> Change {
        Change {
            rule,
            class: Class::Breaking,
            source: Class::Breaking,
            docs_only: false,
            message: "m".into(),
            file: None,
            line: None,
            pointer: pointer.into(),
            affects: vec![],
            allowed: None,
        }
    }

    #[test]
    fn allow_list_accepts_only_the_named_change() {
        let cfg = parse(
            "[lint]\nx = 1\n[diff]\nallow = [{ rule = \"FIELD_REMOVED\", pointer = \"/models/user/fields/1\", reason = \"unused\" }]\n",
        )
        .expect("config");
        let mut report = DiffReport {
            changes: vec![
                change("FIELD_REMOVED", "/models/user/fields/1"),
                change("FIELD_REMOVED", "/models/user/fields/2"),
            ],
        };
        assert_eq!(report.verdict(), Class::Breaking);
        assert!(cfg.apply(&mut report).is_empty());
        assert_eq!(report.changes[0].allowed.as_deref(), Some("unused"));
        assert_eq!(report.changes[1].allowed, None);
        assert_eq!(report.verdict(), Class::Breaking);
        report.changes.pop();
        assert_eq!(report.verdict(), Class::NonBreaking);
    }

    #[test]
    fn bad_entries_are_rejected() {
        assert!(
            parse("[diff]\nallow = [{ rule = \"NOPE\", pointer = \"/\", reason = \"x\" }]")
                .is_err()
        );
        assert!(parse(
            "[diff]\nallow = [{ rule = \"FIELD_REMOVED\", pointer = \"/\", reason = \" \" }]"
        )
        .is_err());
        assert!(parse("[diff]\nallow = [{ rule = \"FIELD_REMOVED\", pointer = \"/\" }]").is_err());
        assert_eq!(parse("").expect("empty"), DiffConfig::default());
        // database rules are allowed like API rules
        let db = parse("[diff]\nallow = [{ rule = \"DB004\", pointer = \"/models/user/fields/1\", reason = \"backfilled\" }]")
            .expect("a DB rule id is accepted");
        assert_eq!(db.allow[0].rule, "DB004");
        assert!(
            parse("[diff]\nallow = [{ rule = \"DB999\", pointer = \"/\", reason = \"x\" }]")
                .is_err()
        );
    }
}
