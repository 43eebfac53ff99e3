//! The metadata pass: Flow's `psql` attribute and the generator settings (`dao`, or Flow's
//! `scala` spelling) at service and model level → a [`Plan`].
//!
//! Merge: a model-level key replaces the service-level value of the same key, key by key (a model
//! that sets only `indexes` keeps the service's `pkey` and `audit`). Every mistake is a located
//! diagnostic pointing into the attribute value; a table with errors is left out of the plan.

use super::plan::*;
use crate::diag::Diagnostics;
use crate::ir::{Field, Model, Primitive, Repo, Service, ServiceId, TypeId, TypeKind, TypeRef};
use crate::json;
use crate::source::{FileId, Loc, SourceMap};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Name of the attribute holding Flow's table metadata.
pub const PSQL: &str = "psql";
/// Name of the attribute holding generator settings (Charter's, language-neutral).
pub const DAO: &str = "dao";
/// Flow's spelling of [`DAO`] (`user_class`, `pkey_generator` with Java class names).
pub const SCALA: &str = "scala";

const PSQL_KEYS: &[&str] = &[
    "schema",
    "pkey",
    "audit",
    "hash_code",
    "on_conflict",
    "indexes",
    "foreign_keys",
];
const DAO_KEYS: &[&str] = &["pkey_generator", "user_type"];
const SCALA_KEYS: &[&str] = &[
    "version",
    "package",
    "user_class",
    "pkey_generator",
    "dao_user_class",
    "id_generator",
];

/// The annotation that marks personal data (the trace's default).
pub const PERSONAL_DATA: &str = "personal_data";

/// True when a service carries table metadata (a `psql` attribute on the service or a model).
pub fn is_metadata_spec(service: &Service) -> bool {
    service.attributes.iter().any(|a| a.name == PSQL)
        || service
            .models
            .iter()
            .any(|m| m.attributes.iter().any(|a| a.name == PSQL))
}

/// Builds the plan of every metadata spec of `repo`. With `sources`, diagnostics point at the
/// exact key inside the attribute value; without, at the attribute.
pub fn plan(repo: &Repo, sources: Option<&SourceMap>, diags: &mut Diagnostics) -> Plan {
    let mut cx = Cx {
        locator: Locator {
            sources,
            trees: HashMap::new(),
        },
        diags,
        pending: Vec::new(),
    };
    let mut plan = Plan::default();
    for sid in repo.service_ids() {
        let service = repo.service(sid);
        if !is_metadata_spec(service) {
            continue;
        }
        let service_psql = service.attributes.iter().any(|a| a.name == PSQL);
        let mut tables = Vec::new();
        for (i, model) in service.models.iter().enumerate() {
            let has_own = model.attributes.iter().any(|a| a.name == PSQL);
            if !service_psql && !has_own {
                continue;
            }
            let id = TypeId {
                service: sid,
                kind: TypeKind::Model,
                index: i as u32,
            };
            if let Some(t) = cx.table(repo, sid, id, service, model) {
                tables.push(t);
            }
        }
        let pending = std::mem::take(&mut cx.pending);
        cx.link_foreign_keys(&mut tables, pending);
        plan.tables.extend(tables);
    }
    plan
}

/// One merged key: its value and where it was written.
struct Entry<'a> {
    value: &'a Value,
    /// Pointer of the value (`/models/user/attributes/1/value/indexes`).
    pointer: String,
    base: &'a Loc,
}

/// Unresolved foreign key (`references` text) until every table of the service is known.
struct PendingFk {
    columns: Vec<String>,
    references: String,
    loc: Loc,
}

struct Cx<'s, 'd> {
    locator: Locator<'s>,
    diags: &'d mut Diagnostics,
    /// Foreign keys of the service's tables, by table name, linked once all tables are read.
    pending: Vec<(String, Vec<PendingFk>)>,
}

impl Cx<'_, '_> {
    fn loc(&mut self, e: &Entry, suffix: &str) -> Loc {
        self.locator
            .locate(e.base, &format!("{}{}", e.pointer, suffix))
    }

    fn err(&mut self, code: &'static crate::diag::Code, loc: Loc, msg: String, help: &str) {
        self.diags.push(
            crate::diag::Diagnostic::new(code, msg)
                .at(loc)
                .with_help(help),
        );
    }

    /// Merges `name` attributes of the service and the model, key by key.
    fn merged<'a>(
        &mut self,
        service: &'a Service,
        model: &'a Model,
        names: &[&str],
        known: &[&str],
    ) -> BTreeMap<String, Entry<'a>> {
        let mut out = BTreeMap::new();
        let levels = [&service.attributes, &model.attributes];
        for attrs in levels {
            for a in attrs.iter().filter(|a| names.contains(&a.name.as_str())) {
                let Some(obj) = a.value.as_object() else {
                    continue; // lowering reported a non-object value
                };
                let value_ptr = format!("{}/value", a.loc.pointer);
                for (k, v) in obj {
                    let e = Entry {
                        value: v,
                        pointer: format!("{value_ptr}/{}", escape(k)),
                        base: &a.loc,
                    };
                    if !known.contains(&k.as_str()) {
                        let loc = self.loc(&e, "");
                        self.err(
                            &super::W2002,
                            loc,
                            format!("unknown key `{k}` in attribute `{}`", a.name),
                            &format!("known keys: {}", known.join(", ")),
                        );
                        continue;
                    }
                    out.insert(k.clone(), e);
                }
            }
        }
        out
    }

    fn table(
        &mut self,
        repo: &Repo,
        sid: ServiceId,
        id: TypeId,
        service: &Service,
        model: &Model,
    ) -> Option<Table> {
        let errors_before = self.diags.error_count();
        let psql = self.merged(service, model, &[PSQL], PSQL_KEYS);
        // `dao` wins over `scala` at the same level; both are read.
        let mut settings = self.merged(service, model, &[SCALA], SCALA_KEYS);
        for (k, v) in self.merged(service, model, &[DAO], DAO_KEYS) {
            settings.insert(k, v);
        }

        let schema = match psql.get("schema") {
            Some(e) => self.string(e, "").unwrap_or_else(|| "public".into()),
            None => "public".into(),
        };
        let name = model.plural.clone();

        // Field columns.
        let mut columns = Vec::new();
        for f in &model.fields {
            match column_type(repo, sid, &f.ty.r) {
                Some(ty) => columns.push(field_column(f, ty)),
                None => {
                    self.err(
                        &super::E2006,
                        f.ty.loc.clone(),
                        format!(
                            "field `{}` of table `{name}`: type `{}` has no column mapping",
                            f.name, f.ty.text
                        ),
                        "store it as json, or leave the field out of the table",
                    );
                }
            }
        }

        for c in columns
            .iter()
            .filter(|c| c.personal_data && !c.nullable && !c.is_text())
        {
            self.err(
                &super::W2014,
                c.loc.clone(),
                format!(
                    "personal data in required {} column `{}` of `{name}` cannot be erased",
                    c.ty.sql(),
                    c.name
                ),
                "make the field optional so erasure can set it to null",
            );
        }

        // Primary key.
        let pkey = match psql.get("pkey") {
            Some(e) => self.string(e, ""),
            None => {
                let loc = self.locator.locate(&model.loc, &model.loc.pointer.clone());
                self.err(
                    &super::E2003,
                    loc,
                    format!("table `{name}` has no primary key"),
                    "set `pkey` in the `psql` attribute of the service or the model",
                );
                None
            }
        };
        let pkey_entry = psql.get("pkey");
        let mut pkey_ok = false;
        if let (Some(pk), Some(e)) = (&pkey, pkey_entry) {
            match columns.iter_mut().find(|c| &c.name == pk) {
                Some(c) if c.nullable => {
                    let loc = self.loc(e, "");
                    self.err(
                        &super::E2013,
                        loc,
                        format!("primary key `{pk}` of table `{name}` is not required"),
                        "primary key fields must be required",
                    );
                }
                Some(_) => pkey_ok = true,
                None => {
                    let loc = self.loc(e, "");
                    let known = model.fields.iter().map(|f| f.name.as_str());
                    self.err(
                        &super::E2003,
                        loc,
                        format!(
                            "primary key `{pk}` is not a field of model `{}`",
                            model.name
                        ),
                        &format!("fields: {}", known.collect::<Vec<_>>().join(", ")),
                    );
                }
            }
        }

        // Generator and user type.
        let generator = self.generator(&settings);
        let user_type = self.user_type(&settings);
        if let (true, Some(pk)) = (pkey_ok, &pkey) {
            let col = columns.iter_mut().find(|c| &c.name == pk).expect("pkey");
            let fits = match &generator {
                PkeyGenerator::None => true,
                PkeyGenerator::Uuid => matches!(col.ty, SqlType::Uuid | SqlType::Text),
                PkeyGenerator::Prefixed(_) => col.ty == SqlType::Text,
                PkeyGenerator::Database => matches!(col.ty, SqlType::Integer | SqlType::Bigint),
            };
            if !fits {
                let e = settings
                    .get("pkey_generator")
                    .or(settings.get("id_generator"));
                let loc = match e {
                    Some(e) => self.loc(e, ""),
                    None => col.loc.clone(),
                };
                self.err(
                    &super::E2009,
                    loc,
                    format!(
                        "pkey generator {generator:?} cannot fill `{pk}` of type {}",
                        col.ty.sql()
                    ),
                    "uuid generators need a uuid or string key, prefixed ids a string key, database-generated keys an integer or long",
                );
            }
            if generator != PkeyGenerator::None {
                col.role = ColumnRole::GeneratedPkey;
            }
        }

        // Audit columns.
        if let Some(e) = psql.get("audit") {
            self.audit(e, user_type, &mut columns, &name);
        }
        let hash_code = psql.contains_key("hash_code");
        if let Some(e) = psql.get("hash_code") {
            if !e.value.is_object() && e.value != &Value::Bool(true) {
                let loc = self.loc(e, "");
                self.err(
                    &super::E2001,
                    loc,
                    "`hash_code` must be an object (`{}`)".into(),
                    "write `\"hash_code\": {}`",
                );
            }
            if columns.iter().any(|c| c.name == "hash_code") {
                let loc = self.loc(e, "");
                self.err(
                    &super::E2011,
                    loc,
                    format!("table `{name}` already has a column `hash_code`"),
                    "rename the field",
                );
            } else {
                columns.push(Column {
                    name: "hash_code".into(),
                    ty: SqlType::Bigint,
                    nullable: false,
                    default: None,
                    role: ColumnRole::HashCode,
                    minimum: None,
                    maximum: None,
                    personal_data: false,
                    loc: self.loc(e, ""),
                });
            }
        }

        // Indexes.
        let mut indexes = Vec::new();
        if let Some(e) = psql.get("indexes") {
            match e.value.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let ie = Entry {
                            value: item,
                            pointer: format!("{}/{i}", e.pointer),
                            base: e.base,
                        };
                        if let Some(ix) = self.index(&ie, &columns, &name) {
                            if !indexes.iter().any(|o: &Index| o.name == ix.name) {
                                indexes.push(ix);
                            }
                        }
                    }
                }
                None => self.expected(e, "an array of indexes"),
            }
        }

        // on_conflict.
        let mut on_conflict = None;
        if let Some(e) = psql.get("on_conflict") {
            let fields_entry = e.value.get("fields").map(|v| Entry {
                value: v,
                pointer: format!("{}/fields", e.pointer),
                base: e.base,
            });
            match fields_entry
                .and_then(|fe| self.column_list(&fe, &columns, &name).map(|c| (c, fe)))
            {
                Some((cols, fe)) => {
                    let mut sorted = cols.clone();
                    sorted.sort();
                    let backing = indexes.iter().find(|ix| {
                        let mut s = ix.columns.clone();
                        s.sort();
                        ix.unique && s == sorted
                    });
                    let is_pkey = cols == [pkey.clone().unwrap_or_default()];
                    match backing {
                        Some(ix) => on_conflict = Some((cols, ix.predicate.clone())),
                        // The unique key Flow's DDL declares by hand: Charter writes it.
                        None if !is_pkey => {
                            let ix_name = index_name(&name, &cols, true, false);
                            indexes.push(Index {
                                name: ix_name,
                                columns: cols.clone(),
                                unique: true,
                                predicate: None,
                                loc: self.loc(&fe, ""),
                            });
                            on_conflict = Some((cols, None));
                        }
                        None => on_conflict = Some((cols, None)),
                    }
                }
                None => {
                    if e.value.get("fields").is_none() {
                        let loc = self.loc(e, "");
                        self.err(
                            &super::E2005,
                            loc,
                            "`on_conflict` needs `fields`: the unique key that turns an insert into an update".into(),
                            "write `\"on_conflict\": {\"fields\": [\"a\", \"b\"]}`",
                        );
                    }
                }
            }
        }

        // Foreign keys (linked once every table of the service is known).
        let mut pending = Vec::new();
        if let Some(e) = psql.get("foreign_keys") {
            match e.value.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let fe = Entry {
                            value: item,
                            pointer: format!("{}/{i}", e.pointer),
                            base: e.base,
                        };
                        let cols = item.get("fields").and_then(|v| {
                            let ce = Entry {
                                value: v,
                                pointer: format!("{}/fields", fe.pointer),
                                base: fe.base,
                            };
                            self.column_list(&ce, &columns, &name)
                        });
                        let references = item.get("references").and_then(Value::as_str);
                        match (cols, references) {
                            (Some(columns), Some(r)) => pending.push(PendingFk {
                                columns,
                                references: r.to_owned(),
                                loc: self.loc(&fe, "/references"),
                            }),
                            (_, None) => {
                                let loc = self.loc(&fe, "");
                                self.err(
                                    &super::E2001,
                                    loc,
                                    "a foreign key needs `fields` and `references` (a table, or `table(columns)`)".into(),
                                    "write `{\"fields\": [\"user_guid\"], \"references\": \"users\"}`",
                                );
                            }
                            _ => {}
                        }
                    }
                }
                None => self.expected(e, "an array of foreign keys"),
            }
        }

        if self.diags.error_count() > errors_before || !pkey_ok {
            return None;
        }
        let table = Table {
            service: sid,
            model: id,
            model_name: model.name.clone(),
            schema,
            name,
            columns,
            pkey: pkey.expect("checked"),
            generator,
            user_type,
            hash_code,
            on_conflict,
            indexes,
            foreign_keys: Vec::new(),
            description: model.description.clone(),
            loc: model.loc.clone(),
        };
        self.pending.push((table.name.clone(), pending));
        Some(table)
    }

    fn link_foreign_keys(&mut self, tables: &mut [Table], pending: Vec<(String, Vec<PendingFk>)>) {
        for (table_name, fks) in pending {
            for fk in fks {
                let (target, cols) = parse_references(&fk.references);
                let (ref_schema, ref_table) = match target.split_once('.') {
                    Some((s, t)) => (Some(s.to_owned()), t.to_owned()),
                    None => (None, target.clone()),
                };
                let Some(rt) = tables.iter().find(|t| {
                    t.name == ref_table && ref_schema.as_ref().is_none_or(|s| &t.schema == s)
                }) else {
                    let names: Vec<_> = tables.iter().map(|t| t.name.as_str()).collect();
                    self.err(
                        &super::W2007,
                        fk.loc.clone(),
                        format!("foreign key of `{table_name}` references `{target}`, which is not a table of this spec; the foreign key is left out"),
                        &format!("tables: {}", names.join(", ")),
                    );
                    continue;
                };
                let ref_columns = cols.unwrap_or_else(|| vec![rt.pkey.clone()]);
                let mut problem = None;
                if ref_columns.len() != fk.columns.len() {
                    problem = Some(format!(
                        "{} column(s) reference {} column(s)",
                        fk.columns.len(),
                        ref_columns.len()
                    ));
                } else if let Some(c) = ref_columns.iter().find(|c| rt.column(c).is_none()) {
                    problem = Some(format!("`{}` has no column `{c}`", rt.name));
                } else {
                    let mut want = ref_columns.clone();
                    want.sort();
                    let keyed = want == [rt.pkey.clone()]
                        || rt.indexes.iter().any(|ix| {
                            let mut s = ix.columns.clone();
                            s.sort();
                            ix.unique && ix.predicate.is_none() && s == want
                        });
                    if !keyed {
                        problem = Some(format!(
                            "`{}({})` is neither the primary key nor a unique index without `where`",
                            rt.name,
                            ref_columns.join(", ")
                        ));
                    }
                }
                let src = tables.iter().find(|t| t.name == table_name).expect("table");
                if problem.is_none() {
                    for (a, b) in fk.columns.iter().zip(&ref_columns) {
                        let (ta, tb) = (src.column(a).map(|c| c.ty), rt.column(b).map(|c| c.ty));
                        if ta != tb {
                            problem =
                                Some(format!("`{a}` and `{}.{b}` have different types", rt.name));
                        }
                    }
                }
                if let Some(p) = problem {
                    self.err(
                        &super::E2008,
                        fk.loc.clone(),
                        format!("foreign key of `{table_name}` cannot reference `{}`: {p}", fk.references),
                        "reference the primary key, or columns with a unique index (no `where`) of the same types",
                    );
                    continue;
                }
                let (ref_schema, ref_table) = (rt.schema.clone(), rt.name.clone());
                let src = tables
                    .iter_mut()
                    .find(|t| t.name == table_name)
                    .expect("table");
                let base = format!("{}_{}", src.name, fk.columns.join("_"));
                let mut name = super::sql::pg_name(&format!("{base}_fk"));
                let mut n = 2;
                while src.foreign_keys.iter().any(|f| f.name == name) {
                    name = super::sql::pg_name(&format!("{base}_{n}_fk"));
                    n += 1;
                }
                src.foreign_keys.push(ForeignKey {
                    name,
                    columns: fk.columns,
                    ref_schema,
                    ref_table,
                    ref_columns,
                    loc: fk.loc,
                });
            }
        }
    }

    fn expected(&mut self, e: &Entry, what: &str) {
        let loc = self.loc(e, "");
        self.err(
            &super::E2001,
            loc,
            format!("expected {what}, found {}", kind(e.value)),
            "see docs/dao.md for the metadata format",
        );
    }

    fn string(&mut self, e: &Entry, suffix: &str) -> Option<String> {
        match e.value.as_str() {
            Some(s) if !s.trim().is_empty() => Some(s.to_owned()),
            _ => {
                let loc = self.loc(e, suffix);
                self.err(
                    &super::E2001,
                    loc,
                    format!("expected a non-empty string, found {}", kind(e.value)),
                    "see docs/dao.md for the metadata format",
                );
                None
            }
        }
    }

    /// `["a", "b"]` naming columns of the table.
    fn column_list(&mut self, e: &Entry, columns: &[Column], table: &str) -> Option<Vec<String>> {
        let Some(items) = e.value.as_array().filter(|a| !a.is_empty()) else {
            self.expected(e, "a non-empty array of column names");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, v) in items.iter().enumerate() {
            match v.as_str() {
                Some(c) if columns.iter().any(|col| col.name == c) => out.push(c.to_owned()),
                Some(c) if ["created_at", "updated_at", "deleted_at"].contains(&c) => {
                    ok = false;
                    let loc = self.loc(e, &format!("/{i}"));
                    self.err(
                        &super::W2015,
                        loc,
                        format!("`{c}` is an undeclared audit column of table `{table}`; this index or key is left out"),
                        "declare the audit columns with `psql.audit` (docs/dao.md)",
                    );
                }
                Some(c) => {
                    ok = false;
                    let loc = self.loc(e, &format!("/{i}"));
                    let names: Vec<_> = columns.iter().map(|c| c.name.as_str()).collect();
                    self.err(
                        &super::E2004,
                        loc,
                        format!("`{c}` is not a column of table `{table}`"),
                        &format!("columns: {}", names.join(", ")),
                    );
                }
                None => {
                    ok = false;
                    let ie = Entry {
                        value: v,
                        pointer: format!("{}/{i}", e.pointer),
                        base: e.base,
                    };
                    self.expected(&ie, "a column name");
                }
            }
        }
        ok.then_some(out)
    }

    fn index(&mut self, e: &Entry, columns: &[Column], table: &str) -> Option<Index> {
        let Some(obj) = e.value.as_object() else {
            self.expected(e, "an index object ({\"fields\": [...]})");
            return None;
        };
        for k in obj.keys() {
            if !["fields", "unique", "where"].contains(&k.as_str()) {
                let loc = self.loc(e, &format!("/{}", escape(k)));
                self.err(
                    &super::W2002,
                    loc,
                    format!("unknown key `{k}` in an index"),
                    "known keys: fields, unique, where",
                );
            }
        }
        let fields = obj.get("fields").map(|v| Entry {
            value: v,
            pointer: format!("{}/fields", e.pointer),
            base: e.base,
        });
        let Some(fields) = fields else {
            self.expected(e, "an index with `fields`");
            return None;
        };
        let cols = self.column_list(&fields, columns, table)?;
        let unique = match obj.get("unique") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(v) => {
                let ue = Entry {
                    value: v,
                    pointer: format!("{}/unique", e.pointer),
                    base: e.base,
                };
                self.expected(&ue, "true or false");
                false
            }
        };
        let predicate = match obj.get("where") {
            None => None,
            Some(v) => {
                let we = Entry {
                    value: v,
                    pointer: format!("{}/where", e.pointer),
                    base: e.base,
                };
                let s = self.string(&we, "")?;
                if !predicate_is_safe(&s) {
                    let loc = self.loc(&we, "");
                    self.err(
                        &super::E2001,
                        loc,
                        "an index `where` must be one SQL predicate (no `;`, comments or quotes other than paired '…')".into(),
                        "e.g. \"deleted_at is null\"",
                    );
                    return None;
                }
                Some(s)
            }
        };
        let name = index_name(table, &cols, unique, predicate.is_some());
        Some(Index {
            name,
            columns: cols,
            unique,
            predicate,
            loc: self.loc(e, ""),
        })
    }

    fn audit(&mut self, e: &Entry, user: UserType, columns: &mut Vec<Column>, table: &str) {
        let Some(obj) = e.value.as_object() else {
            return self.expected(e, "an audit object");
        };
        for (part, at_role, by_role) in [
            ("created", ColumnRole::CreatedAt, ColumnRole::CreatedBy),
            ("updated", ColumnRole::UpdatedAt, ColumnRole::UpdatedBy),
            ("deleted", ColumnRole::DeletedAt, ColumnRole::DeletedBy),
        ] {
            let Some(pv) = obj.get(part) else { continue };
            let pe = Entry {
                value: pv,
                pointer: format!("{}/{part}", e.pointer),
                base: e.base,
            };
            let Some(pobj) = pv.as_object() else {
                self.expected(&pe, "an object with `at` and/or `by`");
                continue;
            };
            for (which, role) in [("at", at_role), ("by", by_role)] {
                let Some(v) = pobj.get(which) else { continue };
                let ce = Entry {
                    value: v,
                    pointer: format!("{}/{which}", pe.pointer),
                    base: pe.base,
                };
                let Some(cobj) = v.as_object() else {
                    self.expected(&ce, "an object ({\"name\", \"type\", \"required\"})");
                    continue;
                };
                let name = match cobj.get("name").and_then(Value::as_str) {
                    Some(n) => n.to_owned(),
                    None if which == "at" => format!("{part}_at"),
                    None => format!("{part}_by"),
                };
                let default_ty = if which == "at" {
                    "date-time-iso8601"
                } else {
                    "string"
                };
                let ty_text = cobj
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or(default_ty);
                let ty = match (which, Primitive::parse(ty_text)) {
                    ("at", Some(Primitive::DateTimeIso8601)) => SqlType::Timestamptz,
                    ("by", Some(Primitive::Uuid)) => SqlType::Uuid,
                    ("by", Some(Primitive::String)) => SqlType::Text,
                    _ => {
                        let loc = self.loc(&ce, "/type");
                        self.err(
                            &super::E2010,
                            loc,
                            format!(
                                "audit `{part}.{which}` of `{table}` cannot have type `{ty_text}`"
                            ),
                            "`at` columns are date-time-iso8601; `by` columns are uuid or string",
                        );
                        continue;
                    }
                };
                if ty == SqlType::Uuid && user == UserType::String {
                    let loc = self.loc(&ce, "/type");
                    self.err(
                        &super::E2010,
                        loc,
                        format!("audit column `{name}` of `{table}` is a uuid, but the modifying user is a string"),
                        "make the column a string, or the user type uuid (`dao.user_type`)",
                    );
                    continue;
                }
                let required = match cobj.get("required") {
                    Some(Value::Bool(b)) => *b,
                    _ => part != "deleted",
                };
                if part == "deleted" && required {
                    let loc = self.loc(&ce, "");
                    self.err(
                        &super::E2010,
                        loc,
                        format!("audit column `{name}` of `{table}` must be optional: live rows have no deletion"),
                        "add `\"required\": false`",
                    );
                    continue;
                }
                if columns.iter().any(|c| c.name == name) {
                    let loc = self.loc(&ce, "");
                    self.err(
                        &super::E2011,
                        loc,
                        format!("audit column `{name}` clashes with another column of `{table}`"),
                        "name the audit column differently (`name`)",
                    );
                    continue;
                }
                let loc = self.loc(&ce, "");
                columns.push(Column {
                    name,
                    ty,
                    nullable: !required,
                    default: (which == "at" && part != "deleted").then(|| "now()".to_owned()),
                    role,
                    minimum: None,
                    maximum: None,
                    personal_data: false,
                    loc,
                });
            }
        }
    }

    fn generator(&mut self, settings: &BTreeMap<String, Entry>) -> PkeyGenerator {
        if let Some(e) = settings.get("pkey_generator") {
            let v = e.value;
            if let Some(p) = v.get("prefix").and_then(Value::as_str) {
                if valid_prefix(p) {
                    return PkeyGenerator::Prefixed(p.to_owned());
                }
                let loc = self.loc(e, "/prefix");
                self.err(
                    &super::E2009,
                    loc,
                    format!("id prefix `{p}` must be 1–16 lowercase letters or digits"),
                    "e.g. \"gni\"",
                );
                return PkeyGenerator::None;
            }
            if v.get("auto") == Some(&Value::Bool(true))
                || v.get("database") == Some(&Value::Bool(true))
            {
                return PkeyGenerator::Database;
            }
            if v.get("uuid") == Some(&Value::Bool(true))
                || v.get("method").and_then(Value::as_str) == Some("java.util.UUID.randomUUID")
            {
                return PkeyGenerator::Uuid;
            }
            let loc = self.loc(e, "");
            self.err(
                &super::E2009,
                loc,
                format!("unknown pkey_generator {}", v),
                "use {\"uuid\": true}, {\"prefix\": \"abc\"} or {\"auto\": true} (Flow: {\"method\": \"java.util.UUID.randomUUID\"}, {\"class\": …, \"prefix\": …})",
            );
            return PkeyGenerator::None;
        }
        if let Some(e) = settings.get("id_generator") {
            if let Some(p) = e.value.get("prefix").and_then(Value::as_str) {
                if valid_prefix(p) {
                    return PkeyGenerator::Prefixed(p.to_owned());
                }
            }
            let loc = self.loc(e, "");
            self.err(
                &super::E2009,
                loc,
                "`id_generator` needs a `prefix` of lowercase letters or digits".into(),
                "e.g. {\"prefix\": \"gni\"}",
            );
        }
        PkeyGenerator::None
    }

    fn user_type(&mut self, settings: &BTreeMap<String, Entry>) -> UserType {
        let e = settings
            .get("user_type")
            .or(settings.get("user_class"))
            .or(settings.get("dao_user_class"));
        let Some(e) = e else {
            return UserType::String;
        };
        match e.value.as_str() {
            Some("uuid" | "java.util.UUID") => UserType::Uuid,
            Some("string" | "String" | "java.lang.String") => UserType::String,
            _ => {
                let loc = self.loc(e, "");
                self.err(
                    &super::E2009,
                    loc,
                    format!("unknown user type {}", e.value),
                    "`user_type` is \"uuid\" or \"string\" (Flow: \"java.util.UUID\", \"String\")",
                );
                UserType::String
            }
        }
    }
}

fn valid_prefix(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 16
        && p.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// `versions(application_guid, guid)` → (`versions`, [application_guid, guid]); `users` → (`users`, None).
fn parse_references(s: &str) -> (String, Option<Vec<String>>) {
    match s.split_once('(') {
        Some((t, rest)) => (
            t.trim().to_owned(),
            Some(
                rest.trim_end_matches(')')
                    .split(',')
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty())
                    .collect(),
            ),
        ),
        None => (s.trim().to_owned(), None),
    }
}

/// A partial-index predicate is SQL from the spec author, written into DDL as is: one
/// expression, no statement separators or comments, quotes balanced.
fn predicate_is_safe(s: &str) -> bool {
    !s.contains(';')
        && !s.contains("--")
        && !s.contains("/*")
        && !s.contains('"')
        && !s.contains('\\')
        && s.matches('\'').count().is_multiple_of(2)
}

pub fn index_name(table: &str, cols: &[String], unique: bool, partial: bool) -> String {
    super::sql::pg_name(&format!(
        "{table}_{}_{}{}",
        cols.join("_"),
        if partial { "partial_" } else { "" },
        if unique { "uniq" } else { "idx" }
    ))
}

fn field_column(f: &Field, ty: SqlType) -> Column {
    let default = f.default.as_deref().and_then(|d| sql_default(ty, d));
    Column {
        name: f.name.clone(),
        ty,
        nullable: !f.required,
        default,
        role: ColumnRole::Field,
        minimum: f.minimum,
        maximum: f.maximum,
        personal_data: f.has_annotation(PERSONAL_DATA),
        loc: f.loc.clone(),
    }
}

/// A field default as a SQL literal; `None` when it cannot be one (validation already checked
/// the default fits the type).
fn sql_default(ty: SqlType, d: &str) -> Option<String> {
    match ty {
        SqlType::Integer | SqlType::Bigint => d.parse::<i64>().ok().map(|n| n.to_string()),
        SqlType::Double | SqlType::Numeric => {
            d.parse::<f64>().ok().filter(|f| f.is_finite()).map(|_| {
                // Re-rendered from the digits only.
                d.chars()
                    .filter(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+'))
                    .collect()
            })
        }
        SqlType::Boolean => match d {
            "true" => Some("true".into()),
            "false" => Some("false".into()),
            _ => None,
        },
        SqlType::Text => Some(quote_literal(d)),
        SqlType::Uuid | SqlType::Date | SqlType::Timestamptz => {
            Some(format!("{}::{}", quote_literal(d), ty.sql()))
        }
        SqlType::Jsonb => None,
    }
}

/// `'it''s'`: a SQL string literal (DDL defaults only; DAOs bind every value).
pub fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The column type of an API Builder type.
pub fn column_type(repo: &Repo, sid: ServiceId, r: &TypeRef) -> Option<SqlType> {
    let _ = sid;
    Some(match r {
        TypeRef::Primitive(p) => match p {
            Primitive::Boolean => SqlType::Boolean,
            Primitive::Decimal => SqlType::Numeric,
            Primitive::Integer => SqlType::Integer,
            Primitive::Double => SqlType::Double,
            Primitive::Long => SqlType::Bigint,
            Primitive::Object | Primitive::Json => SqlType::Jsonb,
            Primitive::String => SqlType::Text,
            Primitive::DateIso8601 => SqlType::Date,
            Primitive::DateTimeIso8601 => SqlType::Timestamptz,
            Primitive::Uuid => SqlType::Uuid,
            Primitive::Unit => return None,
        },
        TypeRef::List(_) | TypeRef::Map(_) => SqlType::Jsonb,
        TypeRef::Type(id) => match id.kind {
            TypeKind::Enum => SqlType::Text,
            _ => {
                let _ = repo;
                SqlType::Jsonb
            }
        },
        TypeRef::External { kind, .. } => match kind {
            TypeKind::Enum => SqlType::Text,
            _ => SqlType::Jsonb,
        },
        TypeRef::Named(_) | TypeRef::Unresolved(_) => return None,
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn escape(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

/// Turns a JSON pointer inside a loaded file into a located span, by walking the file's span tree
/// (parsed once per file). Falls back to the nearest existing parent, then to `base`.
struct Locator<'s> {
    sources: Option<&'s SourceMap>,
    trees: HashMap<FileId, Option<json::Node>>,
}

impl Locator<'_> {
    fn locate(&mut self, base: &Loc, pointer: &str) -> Loc {
        let Some(sources) = self.sources else {
            return Loc::new(base.file, base.span, pointer);
        };
        let tree = self.trees.entry(base.file).or_insert_with(|| {
            json::parse(&sources.get(base.file).text)
                .ok()
                .map(|p| p.root)
        });
        let Some(mut node) = tree.as_ref() else {
            return Loc::new(base.file, base.span, pointer);
        };
        let mut span = node.span;
        let mut reached = String::new();
        for seg in pointer.split('/').skip(1) {
            let seg = seg.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                json::Value::Object(members) => {
                    members.iter().find(|m| m.key == seg).map(|m| &m.value)
                }
                json::Value::Array(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(n) => {
                    node = n;
                    span = n.span;
                    reached.push('/');
                    reached.push_str(&escape(&seg));
                }
                None => break,
            }
        }
        Loc::new(
            base.file,
            span,
            if reached.is_empty() {
                pointer.to_owned()
            } else {
                reached
            },
        )
    }
}
