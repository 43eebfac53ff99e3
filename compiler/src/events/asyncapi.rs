//! AsyncAPI 3.0 export of a service's event streams (`charter export asyncapi`).
//!
//! One document per service that has streams: each stream is a channel (`address` = the stream
//! name, keyed by its short name) whose messages are the union's members; one `send` operation
//! per channel (the service is the only publisher of its stream). Message payloads are the
//! member models as JSON Schema, written by the OpenAPI exporter's schema writer
//! (`openapi::schema`), with the discriminator as a required `const` property; the record
//! headers (`Nats-Msg-Id` = event id, partition key, discriminator, request id) are the message
//! headers. Imported types are bundled into `components.schemas` under their qualified names.

use super::Stream;
use crate::ir::{Repo, ServiceId, TypeKind};
use crate::openapi::schema::{as_map, ext, Imported, Refs, Schemas};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The AsyncAPI 3.0 document of `service`'s streams (`streams` may hold other services'; they
/// are skipped).
pub fn document(repo: &Repo, service: ServiceId, streams: &[Stream]) -> Value {
    let s = repo.service(service);
    let schemas = Schemas::new(
        repo,
        service,
        Refs {
            prefix: "#/components/schemas/".into(),
            imported: Imported::Bundled,
        },
    );
    let mut channels = Map::new();
    let mut operations = Map::new();
    let mut messages = Map::new();
    for stream in streams.iter().filter(|st| st.service == service) {
        let union = repo.union(stream.union);
        let mut channel_messages = Map::new();
        let mut refs = Vec::new();
        for m in &stream.members {
            let key = m.discriminator.clone();
            let model_ref = schemas.type_ref(&crate::ir::TypeRef::Type(m.model));
            let payload = json!({
                "allOf": [
                    model_ref,
                    {
                        "type": "object",
                        "required": [stream.discriminator],
                        "properties": {stream.discriminator.clone(): {"type": "string", "const": m.discriminator}},
                    }
                ]
            });
            let mut message = json!({
                "name": m.discriminator,
                "title": m.discriminator,
                "contentType": "application/json",
                "headers": headers(),
                "payload": payload,
                "x-charter-change": m.change.as_str(),
                "x-charter-partition-key": m.partition_field.as_deref().unwrap_or("event_id"),
            });
            if let Some(d) = &repo.model(m.model).description {
                as_map(&mut message).insert("summary".into(), Value::String(d.clone()));
            }
            messages.insert(key.clone(), message);
            channel_messages.insert(
                key.clone(),
                json!({"$ref": format!("#/components/messages/{key}")}),
            );
            refs.push(json!({"$ref": format!("#/channels/{}/messages/{key}", stream.short_name)}));
        }
        let mut channel = json!({
            "address": stream.name,
            "title": union.name,
            "messages": channel_messages,
        });
        if let Some(d) = &union.description {
            as_map(&mut channel).insert("description".into(), Value::String(d.clone()));
        }
        channels.insert(stream.short_name.clone(), channel);
        operations.insert(
            format!("publish_{}", stream.short_name),
            json!({
                "action": "send",
                "summary": format!("{} publishes `{}`; consumers receive each record at least once, per partition key in order.", s.name, union.name),
                "channel": {"$ref": format!("#/channels/{}", stream.short_name)},
                "messages": refs,
            }),
        );
    }
    // Every type of the service, then the imported ones they reach (transitively).
    let mut components = Map::new();
    for id in repo.declared_types(service) {
        if id.kind == TypeKind::Interface && repo.interface(id).fields.is_empty() {
            continue;
        }
        components.insert(schemas.component_name(id), schemas.declaration(id));
    }
    let mut done = BTreeSet::new();
    loop {
        let todo: Vec<_> = schemas
            .bundled()
            .into_iter()
            .filter(|t| !done.contains(t))
            .collect();
        if todo.is_empty() {
            break;
        }
        for id in todo {
            done.insert(id);
            let mut v = schemas.declaration(id);
            as_map(&mut v).insert(ext::TYPE.into(), repo.qualified_name(id).into());
            components.insert(schemas.component_name(id), v);
        }
    }
    for v in components.values_mut() {
        asyncapi_discriminators(v);
    }
    let mut info = json!({"title": format!("{} events", s.name), "version": s.version});
    if let Some(d) = &s.description {
        as_map(&mut info).insert("description".into(), Value::String(d.clone()));
    }
    json!({
        "asyncapi": "3.0.0",
        "id": format!("urn:{}", s.namespace),
        "info": info,
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": components},
    })
}

/// The headers every record carries.
fn headers() -> Value {
    json!({
        "type": "object",
        "required": ["Nats-Msg-Id", "charter-partition-key", "charter-discriminator"],
        "properties": {
            "Nats-Msg-Id": {"type": "string", "description": "The event id (brokers de-duplicate by it)."},
            "charter-partition-key": {"type": "string", "description": "`organization`, else `organization_id`, else the event id; order is kept per key."},
            "charter-discriminator": {"type": "string", "description": "The member's discriminator value."},
            "x-request-id": {"type": "string", "description": "The request that produced the event."},
        },
    })
}

/// AsyncAPI's schema `discriminator` is the property name (a string), not OpenAPI's object.
fn asyncapi_discriminators(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(name) = o
                .get("discriminator")
                .and_then(|d| d.get("propertyName"))
                .cloned()
            {
                o.insert("discriminator".into(), name);
            }
            o.values_mut().for_each(asyncapi_discriminators);
        }
        Value::Array(a) => a.iter_mut().for_each(asyncapi_discriminators),
        _ => {}
    }
}
