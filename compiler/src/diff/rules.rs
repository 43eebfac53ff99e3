//! The rule catalogue: one entry per kind of change, with a stable ID, a one-line summary, its class
//! for each direction in which the changed element is used, and its documentation.
//!
//! Classes are judged from an existing consumer's point of view: a client generated from the old
//! spec calling a server built from the new one (requests), and a consumer of old responses or
//! events reading new ones (responses, events). `docs/diff.md` is generated from this table.

use serde::Serialize;

/// How a change affects existing consumers. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    NonBreaking,
    Dangerous,
    Breaking,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::NonBreaking => "non-breaking",
            Class::Dangerous => "dangerous",
            Class::Breaking => "breaking",
        }
    }
}

/// What a non-breaking change asks of the version number (breaking and dangerous rules ignore it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Documentation, deprecation, attributes, annotations, metadata: a patch release.
    Docs,
    /// Something new that consumers may start using: a minor release.
    Additive,
}

/// One rule of the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub id: &'static str,
    pub summary: &'static str,
    /// Class where the element is sent by the consumer (request bodies, parameters, headers).
    pub request: Class,
    /// Class where the element is read by the consumer (responses, events).
    pub response: Class,
    pub impact: Impact,
    pub doc: &'static str,
}

impl Rule {
    /// Whether the class depends on the direction.
    pub fn directional(&self) -> bool {
        self.request != self.response
    }
}

use Class::{Breaking as B, Dangerous as D, NonBreaking as N};
use Impact::{Additive as A, Docs as X};

const fn rule(
    id: &'static str,
    summary: &'static str,
    request: Class,
    response: Class,
    impact: Impact,
    doc: &'static str,
) -> Rule {
    Rule {
        id,
        summary,
        request,
        response,
        impact,
        doc,
    }
}

/// Every rule, grouped by the element it is about.
pub const RULES: &[Rule] = &[
    // service
    rule("SERVICE_REMOVED", "a service of the repo was removed", B, B, A,
        "Every type and operation of the service is gone for its consumers."),
    rule("SERVICE_ADDED", "a service was added to the repo", N, N, A,
        "Nothing existing changes."),
    rule("SERVICE_NAMESPACE_CHANGED", "the namespace changed", B, B, A,
        "The namespace qualifies every type name other services import and names the generated \
         crate modules; every importer and every generated client breaks."),
    rule("SERVICE_NAME_CHANGED", "the service name changed", D, D, A,
        "The wire is unchanged, but the name drives the generated client and server type names, so \
         code that names them must be updated. API Builder reports this as non-breaking."),
    rule("SERVICE_METADATA_CHANGED", "organization, application, version, base_url or info changed", N, N, X,
        "Metadata that neither the wire nor generated items depend on."),
    rule("IMPORT_CHANGED", "an import was added, removed or changed", N, N, X,
        "Imports only matter through the types used from them, which are compared where they are used."),
    rule("ANNOTATION_CHANGED", "an annotation declaration was added, removed or changed", N, N, X,
        "Annotation declarations are documentation; their use on fields is reported by \
         FIELD_ANNOTATION_CHANGED."),
    // headers (service headers are sent; response headers are read)
    rule("HEADER_REMOVED", "a header was removed", B, B, A,
        "Generated code names the header (a client setter or a response accessor); removing it breaks \
         that code in every direction. API Builder reports removing a service header as non-breaking."),
    rule("HEADER_ADDED", "an optional header, or a required one with a default, was added", N, N, A,
        "Old clients do not send it and the server does not need it."),
    rule("HEADER_REQUIRED_ADDED", "a required header without default was added", B, N, A,
        "Old clients do not send it, so their requests are rejected. A new required response header is \
         harmless to old readers."),
    rule("HEADER_TYPE_CHANGED", "the type of a header changed", B, B, A,
        "Values written for the old type may not parse as the new one, and generated code changes type."),
    rule("HEADER_OPTIONAL_TO_REQUIRED", "a header became required", B, N, A,
        "Old clients that omit it are rejected; readers of a response header only gain a guarantee."),
    rule("HEADER_REQUIRED_TO_OPTIONAL", "a header is no longer required", N, B, A,
        "Harmless for requests; a reader of a response header relied on its presence."),
    // types
    rule("TYPE_REMOVED", "a model, enum, union or interface was removed", B, B, A,
        "Generated code names the type; payloads of it can no longer be produced or decoded."),
    rule("TYPE_ADDED", "a model, enum, union or interface was added", N, N, A,
        "Nothing existing refers to it."),
    rule("TYPE_RENAMED", "a type was renamed (same shape, new name)", B, B, A,
        "The wire is unchanged but every generated item named after the type is renamed, so code \
         using it no longer compiles. Reported once, instead of a removal, an addition and a type \
         change in every field that uses it."),
    rule("TYPE_PLURAL_CHANGED", "the plural of a type or resource changed", D, D, A,
        "Plurals drive default resource paths (reported separately when they change an operation) and \
         generated method and module names: renamed generated items, an unchanged wire. API Builder \
         reports this as non-breaking."),
    rule("TYPE_INTERFACE_ADDED", "a model or union now implements an interface", N, N, A,
        "The type already has the interface's fields (validation checks it); generated code gains an \
         implementation. API Builder reports this as breaking."),
    rule("TYPE_INTERFACE_REMOVED", "a model or union no longer implements an interface", B, B, A,
        "Code that used the type through the interface's generated trait no longer compiles."),
    // enums
    rule("ENUM_VALUE_REMOVED", "an enum value was removed", B, B, A,
        "Requests that send it are rejected; generated code names the value."),
    rule("ENUM_VALUE_ADDED", "an enum value was added", N, D, A,
        "Harmless where the enum is only sent. Where it is read, old consumers receive a value they \
         do not know: API Builder's Scala clients map it to UNDEFINED, strict or exhaustive decoders \
         (most Rust and TypeScript clients) fail. API Builder reports it as non-breaking everywhere."),
    rule("ENUM_VALUE_WIRE_CHANGED", "the wire string of an enum value changed", B, B, A,
        "The string on the wire (`value`) changed while the name stayed: old peers send and expect \
         the old string. API Builder does not detect this."),
    // unions
    rule("UNION_MEMBER_REMOVED", "a union member type was removed", B, B, A,
        "Requests that send it are rejected, generated code names the variant."),
    rule("UNION_MEMBER_ADDED", "a union member type was added", N, D, A,
        "Harmless where the union is only sent. Where it is read (responses, events) old consumers \
         meet a discriminator value they cannot decode. API Builder reports it as non-breaking."),
    rule("UNION_DISCRIMINATOR_CHANGED", "the discriminator of a union was added, removed or renamed", B, B, A,
        "The JSON shape of every member changes (wrapped object vs. discriminator field)."),
    rule("UNION_DISCRIMINATOR_VALUE_CHANGED", "the discriminator value of a union member changed", B, B, A,
        "The string identifying the member on the wire changed. API Builder does not detect this."),
    rule("UNION_DEFAULT_ADDED", "a union gained a default member type", N, N, A,
        "Payloads without a discriminator, rejected before, now decode as the default."),
    rule("UNION_DEFAULT_CHANGED", "the default member of a union changed or was removed", B, D, A,
        "Requests without a discriminator decode differently or are rejected; readers of payloads \
         without a discriminator silently decode another type."),
    // fields of models and interfaces
    rule("FIELD_REMOVED", "a field was removed", B, B, A,
        "Readers lose a value; generated code names the field in every direction."),
    rule("FIELD_ADDED", "an optional field, or a required one with a default, was added", N, N, A,
        "Old clients do not send it and the server fills the default; old readers ignore it."),
    rule("FIELD_REQUIRED_ADDED", "a required field without default was added", B, N, A,
        "Old clients do not send it, so their requests are rejected. In a type that is only read it is \
         harmless: old readers ignore it. API Builder reports it as breaking everywhere."),
    rule("FIELD_TYPE_CHANGED", "the type of a field changed", B, B, A,
        "Values of the old type may not decode as the new one (even widening `integer` → `long` \
         breaks readers), and generated code changes type."),
    rule("FIELD_OPTIONAL_TO_REQUIRED", "a field became required (without default)", B, N, A,
        "Old clients that omit it are rejected; readers only gain a guarantee. With a default the \
         server fills it, and the change is non-breaking (reported as FIELD_DEFAULT_ADDED)."),
    rule("FIELD_REQUIRED_TO_OPTIONAL", "a field is no longer required", N, B, A,
        "Harmless where the type is only sent. Where it is read, consumers relied on the value being \
         present. API Builder reports it as non-breaking everywhere."),
    rule("FIELD_DEFAULT_ADDED", "a field or parameter gained a default", N, N, A,
        "Requests that omitted it get the default; nothing valid becomes invalid."),
    rule("FIELD_DEFAULT_CHANGED", "the default of a field or parameter changed", D, D, A,
        "Consumers that omit the value silently get different server behaviour. API Builder reports \
         it as non-breaking."),
    rule("FIELD_DEFAULT_REMOVED", "the default of a field or parameter was removed", B, N, A,
        "A required value that old clients omitted is now rejected (or an optional one no longer \
         filled in)."),
    rule("FIELD_RANGE_TIGHTENED", "a minimum was added or raised, or a maximum added or lowered", B, N, A,
        "Requests that were valid are rejected. For values that are only read, a narrower range is \
         only a stronger guarantee."),
    rule("FIELD_RANGE_LOOSENED", "a minimum was lowered or removed, or a maximum raised or removed", N, D, A,
        "Accepting more is harmless for requests; readers may now receive values outside the range \
         they relied on. API Builder reports it as non-breaking everywhere."),
    rule("FIELD_ANNOTATION_CHANGED", "an annotation (e.g. personal_data) was added to or removed from a field", N, N, X,
        "No wire change, but always listed: annotations such as `personal_data` drive privacy \
         handling. API Builder does not compare field annotations."),
    // parameters (always sent)
    rule("PARAMETER_REMOVED", "a parameter was removed", D, D, A,
        "Old clients still send it; the server ignores it, so what it selected silently stops \
         applying, and generated client methods lose an argument. API Builder reports it as breaking; \
         a removed path parameter changes the path and is reported as OPERATION_MOVED."),
    rule("PARAMETER_ADDED", "an optional parameter, or a required one with a default, was added", N, N, A,
        "Old clients do not send it and the server does not need it."),
    rule("PARAMETER_REQUIRED_ADDED", "a required parameter without default was added", B, B, A,
        "Old clients do not send it, so their requests are rejected."),
    rule("PARAMETER_TYPE_CHANGED", "the type of a parameter changed", B, B, A,
        "Values of the old type may not parse as the new one."),
    rule("PARAMETER_LOCATION_CHANGED", "a parameter moved (e.g. query → form)", B, B, A,
        "Old clients send it where the server no longer looks."),
    rule("PARAMETER_OPTIONAL_TO_REQUIRED", "a parameter became required (without default)", B, B, A,
        "Old clients that omit it are rejected."),
    rule("PARAMETER_REQUIRED_TO_OPTIONAL", "a parameter is no longer required", N, N, A,
        "Requests that were valid stay valid."),
    // resources and operations
    rule("RESOURCE_REMOVED", "a resource and all its operations were removed", B, B, A,
        "Every operation of the resource is gone; reported once with the operations listed."),
    rule("RESOURCE_ADDED", "a resource was added", N, N, A, "New operations nobody must use."),
    rule("OPERATION_REMOVED", "an operation was removed", B, B, A,
        "Old clients calling it get 404 or 405; generated code names it."),
    rule("OPERATION_ADDED", "an operation was added", N, N, A, "Nothing existing changes."),
    rule("OPERATION_MOVED", "an operation moved to a new path (same method)", B, B, A,
        "Old clients call the old path. Reported once instead of a removal plus an addition."),
    rule("BODY_ADDED", "an operation now takes a body", B, B, A,
        "Old clients send none and are rejected; generated methods gain an argument."),
    rule("BODY_REMOVED", "an operation no longer takes a body", B, B, A,
        "Old clients send a body the server does not expect; generated methods lose an argument."),
    rule("BODY_TYPE_CHANGED", "the body type of an operation changed", B, B, A,
        "Old clients send the old type."),
    rule("RESPONSE_REMOVED", "a response code was removed", B, B, A,
        "Generated code names the response; code handling it breaks."),
    rule("RESPONSE_SUCCESS_ADDED", "a new success (2xx) response code", D, D, A,
        "Old clients receive a status they do not know how to decode. API Builder reports it as \
         non-breaking."),
    rule("RESPONSE_ERROR_ADDED", "a new error or default response", N, N, A,
        "Old clients already handle unexpected errors generically."),
    rule("RESPONSE_TYPE_CHANGED", "the type of a response changed", B, B, A,
        "Old clients decode the old type."),
    // documentation
    rule("DESCRIPTION_CHANGED", "a description was added, removed or changed", N, N, X, "Documentation only."),
    rule("DEPRECATION_ADDED", "an element was deprecated", N, N, X,
        "A warning to consumers; nothing changes on the wire."),
    rule("DEPRECATION_REMOVED", "an element is no longer deprecated", N, N, X, "Documentation only."),
    rule("ATTRIBUTE_CHANGED", "an attribute was added, removed or changed", N, N, X,
        "Attributes are hints for generators and tools; the wire is unchanged."),
    rule("EXAMPLE_CHANGED", "an example was added, removed or changed", N, N, X, "Documentation only."),
];

/// The rule `id` (case-insensitive), from the registry of [`crate::codes`].
pub fn lookup(id: &str) -> Option<&'static Rule> {
    match crate::codes::entry(id)? {
        crate::codes::Entry::Diff(r) => Some(r),
        _ => None,
    }
}

/// The text `charter explain RULE` prints.
pub fn explain(r: &Rule) -> String {
    let class = if r.directional() {
        format!(
            "{} in requests, {} in responses and events",
            r.request.as_str(),
            r.response.as_str()
        )
    } else {
        r.request.as_str().to_string()
    };
    format!(
        "{} (diff rule; {class}): {}\n\n{}\n\nRule catalogue: docs/diff.md",
        r.id, r.summary, r.doc
    )
}

/// The rule `id`, which must be in the catalogue (engine-internal IDs are constants).
pub(crate) fn get(id: &str) -> &'static Rule {
    lookup(id).unwrap_or_else(|| panic!("rule {id} is not in the catalogue"))
}

/// The catalogue as markdown: a summary table and one section per rule (part of docs/diff.md).
pub fn catalogue_markdown() -> String {
    let mut s = String::from(
        "## Rule catalogue\n\n| rule | summary | request | response / event |\n|---|---|---|---|\n",
    );
    for r in RULES {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.id,
            r.summary,
            r.request.as_str(),
            r.response.as_str()
        ));
    }
    s.push_str("\n## Rules\n");
    for r in RULES {
        let class = if r.directional() {
            format!(
                "{} in requests, {} in responses and events",
                r.request.as_str(),
                r.response.as_str()
            )
        } else {
            r.request.as_str().to_string()
        };
        s.push_str(&format!(
            "\n### `{}`\n\n{}: **{}**.\n\n{}\n",
            r.id, r.summary, class, r.doc
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_upper_snake() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            assert!(
                r.id.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{}",
                r.id
            );
            assert!(!r.summary.is_empty() && !r.doc.is_empty(), "{}", r.id);
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(lookup("field_removed").map(|r| r.id), Some("FIELD_REMOVED"));
        assert!(lookup("NOPE").is_none());
    }
}
