//! Database breaking changes (placeholder).
