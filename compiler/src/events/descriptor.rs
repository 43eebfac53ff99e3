//! The stream descriptor (Flow's api-build `stream` command): every stream with its name, short
//! name and captured events, as JSON (stable shape, documented in README.md) or text for people.

use super::Stream;
use crate::ir::Repo;
use crate::source::SourceMap;
use serde_json::{json, Value};

/// The descriptor of `streams` as JSON.
pub fn to_json(repo: &Repo, streams: &[Stream], sources: &SourceMap) -> Value {
    json!({
        "streams": streams.iter().map(|s| stream_json(repo, s, sources)).collect::<Vec<_>>(),
    })
}

fn stream_json(repo: &Repo, s: &Stream, sources: &SourceMap) -> Value {
    let service = repo.service(s.service);
    let (file, line) = crate::trace::render::file_line(sources, &s.loc);
    json!({
        "service": service.name,
        "namespace": service.namespace,
        "union": repo.type_name(s.union),
        "stream_name": s.name,
        "short_name": s.short_name,
        "discriminator": s.discriminator,
        "file": file,
        "line": line,
        "members": s.members.iter().map(|m| json!({
            "discriminator": m.discriminator,
            "model": repo.type_name(m.model),
            "change": m.change,
            "payload_field": m.payload_field,
            "payload_type": m.payload_type,
            "id_field": m.id_field,
            "partition_key": m.partition_field.as_deref().unwrap_or("event_id"),
        })).collect::<Vec<_>>(),
        "captured_events": s.captured().iter().map(|c| json!({
            "name": c.name,
            "field_name": c.field_name,
            "type_name": c.type_name,
            "id_field": c.id_field,
            "upserted_discriminators": c.upserted,
            "deleted_discriminator": c.deleted,
            "deleted_has_model": c.deleted_has_model,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(feature = "reports")]
const HUMAN: &str = "{{#each streams}}{{stream_name}}  ({{short_name}}; union `{{union}}` of {{service}}, {{file}}:{{line}})
  discriminator: {{discriminator}}
{{#each members}}  - {{discriminator}}  [{{change}}]{{#if payload_field}}  payload `{{payload_field}}: {{payload_type}}`{{/if}}{{#if id_field}}  id `{{id_field}}`{{/if}}  partition key `{{partition_key}}`
{{/each}}{{#each captured_events}}  captured `{{name}}`: upserted by {{#each upserted_discriminators}}{{#unless @first}}, {{/unless}}{{this}}{{/each}}{{#if deleted_discriminator}}; deleted by {{deleted_discriminator}}{{/if}}
{{/each}}
{{else}}no event streams (no union named `*_event`)
{{/each}}";

#[cfg(feature = "reports")]
/// The descriptor as text for people.
pub fn render_human(repo: &Repo, streams: &[Stream], sources: &SourceMap) -> String {
    let mut hb = crate::report::templates();
    if let Err(e) = hb.register_template_string("streams", HUMAN) {
        return format!("template error: {e}\n");
    }
    hb.render("streams", &to_json(repo, streams, sources))
        .unwrap_or_else(|e| format!("template error: {e}\n"))
}
