//! Event streams: one per `*_event` union with a discriminator (Flow's lib-event convention).
//!
//! [`streams`] reads the resolved IR and returns one [`Stream`] per event union of every service,
//! with its stream name, its members classified as Flow's `stream` command does
//! (`(.*)_(upserted|inserted|updated|deleted)_?(.*)`), the payload field of each, the payload's id
//! field and the field the partition key comes from. The CLI (`charter streams`), the Rust
//! generator (`gen::events`) and the AsyncAPI export read this, and never re-derive it.
//!
//! Stream names follow Flow's rule (`StreamNames.scala`): the namespace
//! `<org reverse domain: two parts>.<service parts>.v<N>` and union `user_event` give
//! `<env>.<service parts>.v<N>.<union>.json` (`io.charter.user.v0` → `production.user.v0.user_event.json`).
//! Flow only parses `io.flow.*`; Charter takes any namespace of at least four parts ending in a
//! version, and uses the whole namespace as the service parts otherwise (with `v<major>` of the
//! service version appended when the namespace has no version part). The env is `production`
//! unless charter.toml says `[events] env = "…"`.

pub mod asyncapi;
pub mod descriptor;

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Primitive, Repo, ServiceId, TypeId, TypeKind, TypeRef};
use crate::source::Loc;
use std::path::Path;

crate::codes! {
    E2101: Error,
        "event union without a discriminator",
        "A union whose name ends in `_event` is an event stream. Consumers read the member of each record from its discriminator, and the generated producer and consumer need one; without it the records are wrapped objects that Flow's tooling and other consumers cannot read. Add `\"discriminator\": \"discriminator\"` to the union.";
    E2102: Error,
        "event member without `event_id: string`",
        "Every member of an event union is a model with a required or optional `event_id` field of type `string`: delivery is at least once, and consumers recognise a redelivered event by its id (the inbox), the outbox and the broker de-duplicate by it. A member that is not a model (a primitive, an enum, a list) or has no such field cannot be published. Add `event_id: string` as the first field of the model.";
    W2101: Warning,
        "event member without `timestamp: date-time-iso8601`",
        "Flow's consumers require `timestamp` in every record (lib-event's `Record`), and the generated producer fills it when the service leaves it unset. Without it, consumers cannot order or age the events. Add `timestamp: date-time-iso8601` after `event_id`.";
}

/// Default env of stream names (Flow's production streams).
pub const DEFAULT_ENV: &str = "production";

/// How stream names are made.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// First part of every stream name (`production`, `development_workstation`, …).
    pub env: String,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            env: DEFAULT_ENV.to_owned(),
        }
    }
}

impl StreamOptions {
    pub fn with_env(mut self, env: impl Into<String>) -> Self {
        self.env = env.into();
        self
    }

    /// Reads `[events] env` from the charter.toml that governs `start` (found like lint's:
    /// walking up from it). No file, or no `[events]` table, gives the defaults.
    pub fn from_config(start: &Path) -> Result<StreamOptions, String> {
        let Some(path) = crate::config::discover(None, &[start.to_path_buf()]) else {
            return Ok(StreamOptions::default());
        };
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Reads `[events] env` from charter.toml text.
    pub fn from_toml(text: &str) -> Result<StreamOptions, String> {
        let value: toml::Value = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut options = StreamOptions::default();
        if let Some(events) = value.get("events") {
            let table = events
                .as_table()
                .ok_or("`[events]` must be a table".to_owned())?;
            for (key, v) in table {
                match key.as_str() {
                    "env" => {
                        let env = v.as_str().ok_or("`[events] env` must be a string")?;
                        if env.is_empty()
                            || !env
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                        {
                            return Err(format!(
                                "`[events] env = {env:?}`: use letters, digits, `_` and `-` only (it is a part of every stream name)"
                            ));
                        }
                        options.env = env.to_owned();
                    }
                    other => {
                        return Err(format!("unknown key `{other}` in `[events]` (known: env)"))
                    }
                }
            }
        }
        Ok(options)
    }
}

/// What a member of an event union says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Upserted,
    Inserted,
    Updated,
    Deleted,
    /// A member whose name matches none of the above.
    Other,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Upserted => "upserted",
            Change::Inserted => "inserted",
            Change::Updated => "updated",
            Change::Deleted => "deleted",
            Change::Other => "other",
        }
    }
}

/// One member of an event union.
#[derive(Clone, Debug)]
pub struct Member {
    /// The discriminator value on the wire (`user_upserted`).
    pub discriminator: String,
    /// The member's model.
    pub model: TypeId,
    pub change: Change,
    /// The captured name: `user` for `user_upserted` and `user_deleted_v2`.
    pub captured: Option<String>,
    /// The field holding what changed (`user` for an upsert, `id` for a delete), if found.
    pub payload_field: Option<String>,
    /// Type of the payload field as written (`user`, `string`).
    pub payload_type: Option<String>,
    /// The payload's id field when the payload is a model: `id`, else `key`, else `number` (strings).
    pub id_field: Option<String>,
    /// The field the partition key comes from: `organization`, else `organization_id` (strings);
    /// `None` means `event_id`.
    pub partition_field: Option<String>,
    /// Whether `event_id` is optional in the model (then `Option<String>` in Rust).
    pub event_id_optional: bool,
    /// `timestamp: date-time-iso8601` in the model, and whether it is optional.
    pub timestamp: Option<bool>,
    pub loc: Loc,
}

/// One event stream: an `*_event` union of a service.
#[derive(Clone, Debug)]
pub struct Stream {
    pub service: ServiceId,
    pub union: TypeId,
    /// `production.user.v0.user_event.json`
    pub name: String,
    /// `user_event_v0` (`user_event_internal_v0` for a namespace with an `internal` part).
    pub short_name: String,
    pub discriminator: String,
    pub members: Vec<Member>,
    pub loc: Loc,
}

/// A group of members that capture one kind of thing (Flow's `capturedEvents`): the upserted
/// (inserted, updated) discriminators of `user` and its deleted one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Captured {
    pub name: String,
    pub field_name: Option<String>,
    pub type_name: Option<String>,
    pub upserted: Vec<String>,
    pub deleted: Option<String>,
    pub deleted_has_model: bool,
    pub id_field: Option<String>,
}

impl Stream {
    /// Members grouped by captured name, in order of first appearance.
    pub fn captured(&self) -> Vec<Captured> {
        let mut out: Vec<Captured> = Vec::new();
        for m in &self.members {
            let Some(name) = &m.captured else { continue };
            let i = match out.iter().position(|c| &c.name == name) {
                Some(i) => i,
                None => {
                    out.push(Captured {
                        name: name.clone(),
                        field_name: None,
                        type_name: None,
                        upserted: Vec::new(),
                        deleted: None,
                        deleted_has_model: false,
                        id_field: None,
                    });
                    out.len() - 1
                }
            };
            let c = &mut out[i];
            if m.change == Change::Deleted {
                if c.deleted.is_none() {
                    c.deleted = Some(m.discriminator.clone());
                    c.deleted_has_model = m.payload_field.as_deref() == Some(name.as_str());
                }
            } else {
                c.upserted.push(m.discriminator.clone());
                if c.field_name.is_none() {
                    c.field_name = m.payload_field.clone();
                    c.type_name = m.payload_type.clone();
                    c.id_field = m.id_field.clone();
                }
            }
        }
        out
    }
}

/// The event streams of every service of `repo`, and the diagnostics of unions that break the
/// rules generation depends on (E2101, E2102, W2101).
pub fn streams(repo: &Repo, options: &StreamOptions) -> (Vec<Stream>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut out = Vec::new();
    for sid in repo.service_ids() {
        let s = repo.service(sid);
        for (i, u) in s.unions.iter().enumerate() {
            if !u.name.ends_with("_event") {
                continue;
            }
            let union = TypeId {
                service: sid,
                kind: TypeKind::Union,
                index: i as u32,
            };
            let Some(discriminator) = &u.discriminator else {
                diags.push(
                    Diagnostic::new(
                        &E2101,
                        format!("event union `{}` has no discriminator", u.name),
                    )
                    .at(u.loc.clone())
                    .with_help("add `\"discriminator\": \"discriminator\"` to the union"),
                );
                continue;
            };
            let mut members = Vec::new();
            for t in &u.types {
                let Some(model) = model_of(&t.ty.r) else {
                    diags.push(
                        Diagnostic::new(
                            &E2102,
                            format!(
                                "member `{}` of event union `{}` is not a model of this repo",
                                t.discriminator_value, u.name
                            ),
                        )
                        .at(t.loc.clone())
                        .with_help(
                            "event members are models with `event_id: string` and `timestamp`",
                        ),
                    );
                    continue;
                };
                if let Some(m) = member(
                    repo,
                    model,
                    &t.discriminator_value,
                    &t.loc,
                    &u.name,
                    &mut diags,
                ) {
                    members.push(m);
                }
            }
            let (parts, major) = service_parts(&s.namespace, &s.version);
            let internal = s.namespace.split('.').any(|p| p == "internal");
            out.push(Stream {
                service: sid,
                union,
                name: format!("{}.{parts}.{}.json", options.env, u.name),
                short_name: if internal {
                    format!("{}_internal_{major}", u.name)
                } else {
                    format!("{}_{major}", u.name)
                },
                discriminator: discriminator.clone(),
                members,
                loc: u.loc.clone(),
            });
        }
    }
    (out, diags)
}

fn model_of(r: &TypeRef) -> Option<TypeId> {
    match r {
        TypeRef::Type(id) if id.kind == TypeKind::Model => Some(*id),
        _ => None,
    }
}

fn is_string(r: &TypeRef) -> bool {
    matches!(r, TypeRef::Primitive(Primitive::String))
}

fn member(
    repo: &Repo,
    id: TypeId,
    discriminator: &str,
    loc: &Loc,
    union: &str,
    diags: &mut Diagnostics,
) -> Option<Member> {
    let model = repo.model(id);
    let field = |name: &str| model.fields.iter().find(|f| f.name == name);
    let Some(event_id) = field("event_id").filter(|f| is_string(&f.ty.r)) else {
        diags.push(
            Diagnostic::new(
                &E2102,
                format!(
                    "member `{discriminator}` of event union `{union}` has no `event_id: string` field"
                ),
            )
            .at(model.loc.clone())
            .with_help("add `{\"name\": \"event_id\", \"type\": \"string\"}` as the first field"),
        );
        return None;
    };
    let timestamp = field("timestamp")
        .filter(|f| matches!(f.ty.r, TypeRef::Primitive(Primitive::DateTimeIso8601)))
        .map(|f| !f.required);
    if timestamp.is_none() {
        diags.push(
            Diagnostic::new(
                &W2101,
                format!(
                    "member `{discriminator}` of event union `{union}` has no `timestamp: date-time-iso8601` field"
                ),
            )
            .at(model.loc.clone())
            .with_help("add `{\"name\": \"timestamp\", \"type\": \"date-time-iso8601\"}` after `event_id`"),
        );
    }
    let (change, captured) = classify(&model.name);
    // The payload: the field named after what is captured, else the first field whose type is
    // named so, else (deletes) `id`.
    let payload = captured.as_deref().and_then(|c| {
        field(c)
            .or_else(|| {
                model.fields.iter().find(|f| match f.ty.r.innermost() {
                    TypeRef::Type(t) => repo.type_name(*t) == c,
                    _ => false,
                })
            })
            .or_else(|| (change == Change::Deleted).then(|| field("id")).flatten())
    });
    let id_field = payload.and_then(|p| {
        let TypeRef::Type(t) = &p.ty.r else {
            return None;
        };
        if t.kind != TypeKind::Model {
            return None;
        }
        let pm = repo.model(*t);
        ["id", "key", "number"]
            .into_iter()
            .find(|n| pm.fields.iter().any(|f| f.name == *n && is_string(&f.ty.r)))
            .map(str::to_owned)
    });
    let partition_field = ["organization", "organization_id"]
        .into_iter()
        .find(|n| field(n).is_some_and(|f| is_string(&f.ty.r)))
        .map(str::to_owned);
    Some(Member {
        discriminator: discriminator.to_owned(),
        model: id,
        change,
        captured,
        payload_field: payload.map(|f| f.name.clone()),
        payload_type: payload.map(|f| f.ty.text.clone()),
        id_field,
        partition_field,
        event_id_optional: !event_id.required,
        timestamp,
        loc: loc.clone(),
    })
}

/// Flow's `(.*)_(upserted|inserted|updated|deleted)_?(.*)`: the change and the captured name.
pub fn classify(name: &str) -> (Change, Option<String>) {
    // Greedy `(.*)`: the last occurrence of any of the words, not at the start.
    [
        ("_upserted", Change::Upserted),
        ("_inserted", Change::Inserted),
        ("_updated", Change::Updated),
        ("_deleted", Change::Deleted),
    ]
    .into_iter()
    .filter_map(|(word, change)| name.rfind(word).filter(|i| *i > 0).map(|i| (i, change)))
    .max_by_key(|(i, _)| *i)
    .map_or((Change::Other, None), |(i, change)| {
        (change, Some(name[..i].to_owned()))
    })
}

/// `io.charter.user.v0` → (`user.v0`, `v0`); `user.v0` → (`user.v0`, `v0`); a namespace without
/// a version part gets `v<major>` of `version`.
fn service_parts(namespace: &str, version: &str) -> (String, String) {
    let parts: Vec<&str> = namespace.split('.').collect();
    let is_version =
        |p: &str| p.len() > 1 && p.starts_with('v') && p[1..].chars().all(|c| c.is_ascii_digit());
    if let Some(last) = parts.last().filter(|p| is_version(p)) {
        let service = if parts.len() >= 4 {
            &parts[2..]
        } else {
            &parts[..]
        };
        return (service.join("."), (*last).to_owned());
    }
    let major: String = version.chars().take_while(|c| c.is_ascii_digit()).collect();
    let major = format!("v{}", if major.is_empty() { "0" } else { &major });
    (format!("{namespace}.{major}"), major)
}

#[cfg(test)]
mod tests;
