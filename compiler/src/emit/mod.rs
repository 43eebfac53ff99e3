//! Writers of the IR back to JSON: the resolved service.json form (`charter resolve`).

pub mod service_json;
