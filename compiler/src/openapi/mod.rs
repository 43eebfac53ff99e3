//! OpenAPI 3.1: export of services ([`export`]) and import of OpenAPI 3.0/3.1 documents into
//! api.json ([`import`]). [`schema`] (IR → JSON Schema 2020-12) is shared with other exporters.
//!
//! Diagnostic codes: `E22xx`/`W22xx` ([`CODES`]). The mapping and the deliberate differences of
//! the round trip are in `docs/openapi.md`.

pub mod export;
pub mod import;
pub mod schema;
#[cfg(feature = "yaml")]
pub mod yaml;

crate::codes! {
    E2201: Error,
        "the OpenAPI document cannot be read",
        "The file is not well-formed JSON or YAML (a syntax error, a duplicate key, nesting deeper than 256 levels, aliases expanding beyond the node budget, or larger than 256 MB). Nothing is written.";
    E2202: Error,
        "not an OpenAPI 3.0 or 3.1 document",
        "`charter import openapi` reads OpenAPI 3.0.x and 3.1.x (`openapi: 3.x`). Swagger 2.0 documents must be converted first.";
    E2203: Error,
        "a $ref points to nothing, or references form a cycle",
        "A local `$ref` must name an existing element of the document; chains of references (and `allOf` through references) must not come back to where they started. Recursive models through properties are fine.";
    E2204: Error,
        "the document is not an object",
        "An OpenAPI document is a JSON/YAML object with `openapi`, `info` and `paths`.";
    W2201: Warning,
        "an operation cannot be exported",
        "OpenAPI has no CONNECT operation and one operation per method and path; form parameters beside a body are kept in `x-apibuilder-form`.";
    W2202: Warning,
        "an import outside the repo cannot be bundled",
        "With `--bundle`, types of imported services are inlined; a service that is not in the repo stays a `$ref` to its own document.";
    W2210: Warning,
        "a schema keyword has no API Builder form",
        "JSON Schema keywords such as `not`, `pattern`, `patternProperties`, `const`, `readOnly`, exclusive bounds or several types have no place in api.json. The warning says what was done instead (ignored, read as a map, the first type used).";
    W2211: Warning,
        "a union construct changes on import",
        "`anyOf` is read as `oneOf`; a `oneOf` without a discriminator becomes a union without discriminator, whose wire form in API Builder is a single-key object `{\"<type>\": value}`.";
    W2212: Warning,
        "a media type or body has no API Builder form",
        "API Builder bodies and responses are JSON and required. Other media types are dropped when a JSON one exists, otherwise read as JSON of the same schema; form-encoded bodies become form parameters.";
    W2213: Warning,
        "an operation construct has no API Builder form",
        "Callbacks, links, security, per-operation servers, status ranges (`2XX`) and path segments with several parameters are not expressible; the warning says what was kept.";
    W2214: Warning,
        "a parameter construct has no API Builder form",
        "Cookie parameters, `content`-described parameters, non-default `style`/`explode`, and non-string headers change or are dropped.";
    W2215: Warning,
        "a $ref into another document is not followed",
        "Only one document is read. A reference into another file is typed as `json` unless the exporter recorded the API Builder type (`x-apibuilder-type`). Bundle the document first to keep the types.";
    W2216: Warning,
        "a named schema that is not a type is inlined",
        "API Builder has no aliases: a named primitive, array or map schema is replaced by its type wherever it is used.";
    W2217: Warning,
        "a document construct has no API Builder form",
        "Several servers, server variables, `security`, `externalDocs`, `webhooks`, `info.termsOfService` and a missing title; the warning says what was kept.";
    W2218: Warning,
        "an unknown x-apibuilder extension",
        "An `x-apibuilder-*` key this version does not know; it is ignored. Other `x-` extensions become attributes.";
}

/// A synthetic OpenAPI 3.1 document of `n` models and `n` paths, for the import benchmark and the
/// huge-document test (5,000 give about 3.7 MB).
pub fn synthetic_document(n: usize) -> String {
    let mut schemas = serde_json::Map::new();
    let mut paths = serde_json::Map::new();
    for i in 0..n {
        schemas.insert(
            format!("Model{i}"),
            serde_json::json!({
                "type": "object", "required": ["id", "name"],
                "description": "A generated model with a few fields of each kind.",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "name": {"type": "string", "maxLength": 100},
                    "count": {"type": "integer", "format": "int32", "minimum": 0},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "next": {"$ref": format!("#/components/schemas/Model{}", (i + 1) % n)},
                    "status": {"type": "string", "enum": ["active", "inactive"]}
                }
            }),
        );
        paths.insert(
            format!("/model{i}s/{{id}}"),
            serde_json::json!({"get": {
                "tags": [format!("model{i}s")],
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Model{i}")}}}},
                    "404": {"description": "Not found"}
                }
            }}),
        );
    }
    serde_json::json!({"openapi": "3.1.0", "info": {"title": "Generated", "version": "1.0.0"},
        "paths": paths, "components": {"schemas": schemas}})
    .to_string()
}
