//! Data access from the spec: Flow's table metadata (`psql` attribute) → a per-table [`Plan`] →
//! Postgres migrations ([`sql`]) and typed sqlx DAOs ([`rust`]); database breaking changes
//! ([`diff`]) and where personal data is stored ([`storage`]).
//!
//! ```text
//! ir::Repo ─ meta::plan ─► Plan (tables: columns with SQL types, pkey, indexes, finders)
//!          ─► sql::schema / sql::next_migration   (charter generate postgres)
//!          ─► rust::dao                            (Settings::dao, Builder::dao(), macro `dao`)
//!          ─► diff::compare                        (charter diff on metadata specs)
//!          ─► storage::Storage (trace::StorageMap) (charter trace)
//! ```
//!
//! The metadata format is Flow's (docs/dao.md): `psql` at service level gives defaults, at model
//! level overrides key by key. Generator settings that Flow kept under `scala` are read from the
//! language-neutral attribute `dao` (`pkey_generator`, `user_type`); the `scala` spellings are
//! accepted so Flow's specs work unchanged.

pub mod diff;
pub mod meta;
pub mod plan;
pub mod rust;
pub mod sql;
pub mod storage;

pub use plan::{Column, ColumnRole, Index, Plan, SqlType, Table};

crate::codes! {
    E2001: Error,
        "malformed table metadata",
        "A key of the `psql` or `dao` attribute has the wrong shape (e.g. `indexes` is not an array, an index \
         has no `fields`, an index `where` is not one SQL predicate). See docs/dao.md for the format.";
    W2002: Warning,
        "unknown key in table metadata",
        "A key of the `psql`, `dao` or `scala` attribute (or of an index) is not one Charter reads; it is \
         ignored. Usually a typo (`indexs`).";
    E2003: Error,
        "primary key missing or not a field",
        "Every table needs `pkey` (service or model level) naming one of the model's fields.";
    E2004: Error,
        "unknown column",
        "An index, `on_conflict` or foreign key names a column the table does not have (fields and audit \
         columns are columns).";
    E2005: Error,
        "on_conflict without its unique key",
        "`on_conflict` turns inserts into upserts on a unique key: it needs `fields`, the columns of that key. \
         Charter creates the unique index when no unique index on those columns is declared.";
    E2006: Error,
        "type with no column mapping",
        "A field's type cannot be stored in a column (`unit`, or a name that did not resolve). Primitives map \
         to Postgres types; models, unions, lists, maps, `object` and `json` to jsonb; enums to text.";
    W2007: Warning,
        "foreign key to a table outside this spec",
        "`references` names a table that is not a model of this metadata spec (`users`, `versions(a, b)`, \
         optionally schema-qualified). It may live in another spec or migration of the same database \
         (Flow's apibuilder metadata references `versions` that way), so Charter cannot check the \
         columns and leaves the foreign key out of the schema it writes; add the table to the spec to keep it.";
    E2008: Error,
        "foreign key cannot reference those columns",
        "Postgres needs the referenced columns to be the primary key or to have a unique index without a \
         `where` clause, with as many columns as the foreign key and the same types.";
    E2009: Error,
        "invalid pkey generator or user type",
        "`pkey_generator` is {\"uuid\": true}, {\"prefix\": \"abc\"} or {\"auto\": true} (Flow's \
         {\"method\": \"java.util.UUID.randomUUID\"} and {\"class\": …, \"prefix\": …} are accepted), and must \
         suit the key's type; `user_type` is \"uuid\" or \"string\" (Flow's `user_class`).";
    E2010: Error,
        "invalid audit column",
        "Audit `at` columns are date-time-iso8601, `by` columns uuid or string (a uuid column needs a uuid \
         modifying user), and `deleted` columns must be optional (`\"required\": false`).";
    E2011: Error,
        "duplicate column",
        "An audit column or `hash_code` has the name of another column of the table.";
    E2013: Error,
        "optional primary key",
        "The field named by `pkey` must be required.";
    W2014: Warning,
        "personal data that cannot be erased",
        "A required, non-text column holds personal data: `erase_personal_data_by_<pkey>` cannot blank it \
         (text becomes `[erased]`, optional columns null). Make the field optional.";
    W2015: Warning,
        "an index or key names an audit column the metadata does not declare",
        "Older Flow metadata relied on lib-postgresql's `audit.setup`, which added `created_at` and \
         `updated_at` to every table, and indexed them without declaring them. Charter writes only \
         the audit columns that `psql.audit` declares, so the index or key is left out. Declare \
         `audit` (docs/dao.md) to keep it.";
}

/// Plans every metadata spec of a checked repo, with located diagnostics.
pub fn plan_checked(checked: &crate::Checked) -> (Plan, crate::diag::Diagnostics) {
    let mut diags = crate::diag::Diagnostics::new();
    let plan = meta::plan(&checked.repo, Some(&checked.sources), &mut diags);
    diags.sort(&checked.sources);
    (plan, diags)
}

#[cfg(test)]
mod tests;
