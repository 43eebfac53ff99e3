//! Typed DAOs on sqlx, emitted with `quote` from the [`Plan`]: per table a row struct (every
//! column), a form (caller-supplied columns), a table descriptor with column constants, a filter
//! of the queryable columns, a keyset pager and the DAO.
//!
//! Finders exist only for the primary key and indexed columns (that is the point: a query the
//! metadata did not index cannot be written). Every SQL string is computed here from the plan's
//! identifiers; every value is a bind parameter. Methods take `&mut PgConnection`, so they work on
//! a pooled connection and inside a caller's transaction.

use super::plan::*;
use super::sql::{ident, journal_qualified, qualified};
use crate::gen::naming::{camel, screaming, snake};
use crate::ir::Repo;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

fn id(s: &str) -> Ident {
    match s.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(s, Span::call_site()),
    }
}

/// Rust type of a column's value.
fn owned(ty: SqlType) -> TokenStream {
    match ty {
        SqlType::Uuid => quote!(dao::Uuid),
        SqlType::Text => quote!(String),
        SqlType::Integer => quote!(i32),
        SqlType::Bigint => quote!(i64),
        SqlType::Boolean => quote!(bool),
        SqlType::Double => quote!(f64),
        SqlType::Numeric => quote!(dao::Decimal),
        SqlType::Date => quote!(dao::Date),
        SqlType::Timestamptz => quote!(dao::Timestamp),
        SqlType::Jsonb => quote!(dao::Json),
    }
}

fn col_type(c: &Column) -> TokenStream {
    let t = owned(c.ty);
    if c.nullable {
        quote!(Option<#t>)
    } else {
        t
    }
}

/// Parameter type of a finder argument: `&str` for text, `&Value` for json, the value otherwise.
fn param(ty: SqlType) -> TokenStream {
    match ty {
        SqlType::Text => quote!(&str),
        SqlType::Jsonb => quote!(&dao::Json),
        t => owned(t),
    }
}

fn user_type(t: &Table) -> TokenStream {
    match t.user_type {
        UserType::Uuid => quote!(dao::Uuid),
        UserType::String => quote!(&str),
    }
}

struct Names {
    row: Ident,
    form: Ident,
    table: Ident,
    filter: Ident,
    pager: Ident,
    dao: Ident,
    module: Ident,
}

fn names(t: &Table) -> Names {
    let model = camel(&t.model_name);
    let plural = camel(&t.name);
    Names {
        row: id(&model),
        form: format_ident!("{}Form", model),
        table: format_ident!("{}Table", plural),
        filter: format_ident!("{}Filter", model),
        pager: format_ident!("{}Pager", plural),
        dao: format_ident!("{}Dao", plural),
        module: id(&snake(&t.name)),
    }
}

fn field(c: &Column) -> Ident {
    id(&snake(&c.name))
}

fn select_list(t: &Table) -> String {
    t.columns
        .iter()
        .map(|c| ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `dao` module of one service: `pub mod <table>` per table.
pub fn service_module(_repo: &Repo, tables: &[&Table]) -> TokenStream {
    let mods = tables.iter().map(|t| table_module(t));
    quote! {
        #(#mods)*
    }
}

/// `pub mod dao { … }` of service `id` for [`crate::gen::generate`] (empty when the service has
/// no tables), from the tables the generation plan holds (`gen::plan::Plan::tables`).
pub fn gen_module(repo: &Repo, plan: &super::Plan, id: crate::ir::ServiceId) -> TokenStream {
    let tables: Vec<&Table> = plan.for_service(id).collect();
    if tables.is_empty() {
        return TokenStream::new();
    }
    let body = service_module(repo, &tables);
    quote! {
        /// Typed data access (sqlx on PostgreSQL) for the tables of this service's metadata.
        pub mod dao {
            #![allow(deprecated, clippy::disallowed_names)]
            #body
        }
    }
}

/// A standalone file of the DAOs of one service (goldens, `charter generate`).
///
/// The table modules are independent items, so each is emitted, parsed and printed on its own,
/// on as many threads as there are cores (parsing and printing are most of the time), and the
/// pieces are joined as [`crate::gen::format::unparse`] joins a file's items: the text is the
/// same as printing the whole file at once.
pub fn file(_repo: &Repo, tables: &[&Table], title: &str) -> String {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, tables.len().max(1));
    let per = tables.len().div_ceil(threads).max(1);
    let parts: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<_> = tables
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().map(|t| printed(t)).collect::<Vec<_>>()))
            .collect();
        chunks
            .into_iter()
            .flat_map(|h| h.join().expect("a DAO printing thread panicked"))
            .collect()
    });
    format!(
        "{}\n//! {title}\n\n{}",
        crate::gen::HEADER,
        parts.join("\n")
    )
}

/// One table's module, formatted (or, should it not parse, a `compile_error!` and its tokens).
fn printed(t: &Table) -> String {
    // Parsed by value: a clone kept for the error path would make syn copy every token.
    match syn::parse2::<syn::File>(table_module(t)) {
        Ok(f) => crate::gen::format::unparse(f),
        Err(e) => format!(
            "compile_error!({:?});\n{}\n",
            e.to_string(),
            table_module(t)
        ),
    }
}

fn table_module(t: &Table) -> TokenStream {
    let n = names(t);
    let Names {
        row,
        form,
        table,
        filter,
        pager,
        dao,
        module,
        ..
    } = &n;
    let doc_mod = format!(
        " Table `{}` (model `{}`){}.",
        t.qualified(),
        t.model_name,
        t.description
            .as_deref()
            .map(|d| format!(": {}", d.replace('\n', " ")))
            .unwrap_or_default()
    );

    // Row.
    let row_fields = t.columns.iter().map(|c| {
        let f = field(c);
        let ty = col_type(c);
        let doc = format!(
            " `{}` {}{}",
            c.name,
            c.ty.sql(),
            if c.nullable { "" } else { " not null" }
        );
        quote! { #[doc = #doc] pub #f: #ty, }
    });
    // By position: every statement that reads rows selects `select_list`, in table order.
    let from_row = t.columns.iter().enumerate().map(|(i, c)| {
        let f = field(c);
        quote! { #f: row.try_get(#i)?, }
    });

    // Form.
    let form_cols: Vec<&Column> = t.form_columns().collect();
    let form_fields = form_cols.iter().map(|c| {
        let f = field(c);
        let ty = col_type(c);
        let doc = format!(" `{}`", c.name);
        quote! { #[doc = #doc] pub #f: #ty, }
    });
    // Every check, hash and bind of the form goes through this one list (`dao::Form`).
    let visit_cols = form_cols.iter().map(|c| {
        let f = field(c);
        let name = &c.name;
        quote! { c.column(#name, &self.#f); }
    });
    let has_hash = t.role(ColumnRole::HashCode).is_some();
    let form_of_row = form_cols.iter().map(|c| {
        let f = field(c);
        let v = owned_value(c.ty, quote!(self.#f));
        quote! { #f: #v, }
    });

    // Table descriptor.
    let col_consts = t.columns.iter().map(|c| {
        let k = id(&screaming(&c.name));
        let name = &c.name;
        quote! { pub const #k: &str = #name; }
    });
    let all_cols = t.columns.iter().map(|c| c.name.as_str());
    let (schema_s, name_s, qualified_s) = (&t.schema, &t.name, t.qualified());
    let journal_s = journal_qualified(t);

    // Filter.
    let filter_cols = t.filter_columns();
    let filter_fields = filter_cols.iter().map(|c| {
        let f = field(c);
        let fs = format_ident!("{}_in", snake(&c.name).trim_start_matches("r#"));
        let ty = owned(c.ty);
        let d1 = format!(" `{}` equals.", c.name);
        let d2 = format!(" `{}` is one of.", c.name);
        quote! {
            #[doc = #d1] pub #f: Option<#ty>,
            #[doc = #d2] pub #fs: Option<Vec<#ty>>,
        }
    });
    let filter_push = filter_cols.iter().map(|c| {
        let f = field(c);
        let fs = format_ident!("{}_in", snake(&c.name).trim_start_matches("r#"));
        let col = ident(&c.name);
        quote! { dao::push_column(qb, #col, &self.#f, &self.#fs); }
    });
    let live = t
        .role(ColumnRole::DeletedAt)
        .map(|c| format!(" and {} is null", ident(&c.name)));
    let (deleted_field, deleted_push) = match &live {
        Some(cond) => (
            quote! {
                /// Also rows that were (soft) deleted.
                pub include_deleted: bool,
            },
            quote! { if !self.include_deleted { qb.push(#cond); } },
        ),
        None => (quote!(), quote!()),
    };
    let live_sql = live.clone().unwrap_or_default();

    let select = format!(
        "select {} from {}",
        select_list(t),
        qualified(&t.schema, &t.name)
    );
    let pk = t.pkey_column();
    let pk_field = field(pk);
    let pk_ty = owned(pk.ty);
    let pk_param = param(pk.ty);
    let pk_name = &pk.name;
    let pk_ident = ident(&pk.name);

    // Finders.
    let mut finders = Vec::new();
    let mut finder_names = std::collections::HashSet::new();
    {
        let fname = format_ident!("find_by_{}", snake(&pk.name).trim_start_matches("r#"));
        finder_names.insert(fname.to_string());
        let sql = format!("{select} where {pk_ident} = $1{live_sql}");
        let doc = format!(
            " The row with this `{}` (live rows only when the table soft-deletes).",
            pk.name
        );
        finders.push(quote! {
            #[doc = #doc]
            pub async fn #fname(conn: &mut PgConnection, #pk_field: #pk_param) -> dao::Result<Option<#row>> {
                dao::fetch_optional(conn, dao::sqlx::query_as(#sql).bind(#pk_field)).await
            }
        });
    }
    for ix in t.finder_indexes() {
        let cols: Vec<&Column> = ix.columns.iter().filter_map(|c| t.column(c)).collect();
        let suffix = cols
            .iter()
            .map(|c| snake(&c.name).trim_start_matches("r#").to_owned())
            .collect::<Vec<_>>()
            .join("_and_");
        let args: Vec<Ident> = cols.iter().map(|c| field(c)).collect();
        let params: Vec<TokenStream> = cols.iter().map(|c| param(c.ty)).collect();
        let mut conds: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} = ${}", ident(&c.name), i + 1))
            .collect();
        if let Some(p) = &ix.predicate {
            conds.push(format!("({p})"));
        }
        let where_ = conds.join(" and ");
        if ix.unique {
            let fname = format_ident!("find_by_{}", suffix);
            if !finder_names.insert(fname.to_string()) {
                continue;
            }
            let sql = format!("{select} where {where_}{live_sql}");
            let doc = format!(
                " The row with these values of unique index `{}`{}.",
                ix.name,
                ix.predicate
                    .as_deref()
                    .map(|p| format!(" (where {p})"))
                    .unwrap_or_default()
            );
            finders.push(quote! {
                #[doc = #doc]
                pub async fn #fname(conn: &mut PgConnection, #(#args: #params),*) -> dao::Result<Option<#row>> {
                    dao::fetch_optional(conn, dao::sqlx::query_as(#sql) #(.bind(#args))*).await
                }
            });
        } else {
            let fname = format_ident!("find_all_by_{}", suffix);
            if !finder_names.insert(fname.to_string()) {
                continue;
            }
            let nlimit = cols.len() + 1;
            let sql =
                format!("{select} where {where_}{live_sql} order by {pk_ident} limit ${nlimit}");
            let doc = format!(
                " Rows with these values of index `{}`, ordered by `{}`, at most `limit`.",
                ix.name, pk.name
            );
            finders.push(quote! {
                #[doc = #doc]
                pub async fn #fname(conn: &mut PgConnection, #(#args: #params,)* limit: i64) -> dao::Result<Vec<#row>> {
                    dao::check_limit(limit, 0)?;
                    dao::fetch_all(conn, dao::sqlx::query_as(#sql) #(.bind(#args))* .bind(limit)).await
                }
            });
        }
    }

    let row_key = owned_value(pk.ty, quote!(row.#pk_field));
    let writes = writes(t, &n);
    let erase = erase(t, &n);

    quote! {
        #[doc = #doc_mod]
        pub mod #module {
            #![allow(clippy::too_many_arguments)]
            use charter_runtime::dao::{self, PgConnection};
            use dao::sqlx::Row as _;

            /// A row, every column (audit columns included).
            #[derive(Clone, Debug, PartialEq)]
            pub struct #row {
                #(#row_fields)*
            }

            /// Reads the columns by position, in table order (`COLUMNS`): what every select of
            /// this DAO lists. A query of your own must select the same list.
            impl<'r> dao::sqlx::FromRow<'r, dao::PgRow> for #row {
                fn from_row(row: &'r dao::PgRow) -> Result<Self, dao::sqlx::Error> {
                    Ok(#row { #(#from_row)* })
                }
            }

            impl #row {
                /// The caller-supplied columns of this row.
                pub fn form(&self) -> #form {
                    #form { #(#form_of_row)* }
                }
            }

            /// The columns a caller supplies on insert and update.
            #[derive(Clone, Debug, PartialEq)]
            pub struct #form {
                #(#form_fields)*
            }

            impl #form {
                /// Refuses empty, blank and untrimmed text before any SQL runs.
                pub fn validate(&self) -> dao::Result<()> {
                    dao::validate(self)
                }
                /// The stable hash of the form (see `charter_runtime::dao`, "hash_code").
                pub fn hash_code(&self) -> i64 {
                    dao::hash_code(self)
                }
            }

            /// The columns in the order of every write's parameters: what `charter_runtime::dao`
            /// checks, hashes and binds.
            impl dao::Form for #form {
                const HASH_CODE: bool = #has_hash;
                fn columns<'q, C: dao::Columns<'q>>(&'q self, c: &mut C) {
                    #(#visit_cols)*
                }
            }

            /// Names of the table and its columns.
            pub struct #table;

            impl #table {
                pub const SCHEMA: &'static str = #schema_s;
                pub const NAME: &'static str = #name_s;
                pub const QUALIFIED: &'static str = #qualified_s;
                /// The journal table (history of every write).
                pub const JOURNAL: &'static str = #journal_s;
                /// Every column, in table order.
                pub const COLUMNS: &'static [&'static str] = &[#(#all_cols),*];
            }

            /// Column names.
            pub mod columns {
                #(#col_consts)*
            }

            /// Filters of `find_all`: the primary key and indexed columns only.
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct #filter {
                #(#filter_fields)*
                #deleted_field
            }

            impl dao::Filter for #filter {
                fn push(&self, qb: &mut dao::sqlx::QueryBuilder<'_, dao::sqlx::Postgres>) {
                    #(#filter_push)*
                    #deleted_push
                }
            }

            /// What the generic helpers of `charter_runtime::dao` (`find_all`, keyset pages)
            /// know of this table.
            impl dao::Table for #table {
                type Row = #row;
                type Key = #pk_ty;
                type Filter = #filter;
                const COLUMNS: &'static [&'static str] = #table::COLUMNS;
                const PKEY: &'static str = #pk_name;
                const SELECT: &'static str = #select;
                fn key(row: &#row) -> #pk_ty {
                    #row_key
                }
            }

            /// Keyset iteration over every matching row, in primary-key order.
            pub type #pager = dao::Pager<#table>;

            /// Data access for this table.
            pub struct #dao;

            impl #dao {
                #(#finders)*

                /// Rows matching `filter`, ordered by `order_by` (`-created_at,email`: columns of
                /// this table only) or the primary key, at most `limit` (required) after `offset`.
                pub async fn find_all(conn: &mut PgConnection, filter: &#filter, limit: i64, offset: i64, order_by: Option<&str>) -> dao::Result<Vec<#row>> {
                    dao::find_all::<#table>(conn, filter, limit, offset, order_by).await
                }

                /// One keyset page: rows matching `filter` with a primary key after `after`.
                pub async fn find_page_after(conn: &mut PgConnection, filter: &#filter, after: Option<#pk_ty>, limit: i64) -> dao::Result<Vec<#row>> {
                    dao::find_page_after::<#table>(conn, filter, after, limit).await
                }

                /// Iterates every matching row in pages of `page_size`, by primary key (no row
                /// missed or repeated while rows are only added after the last page read).
                pub fn iterate_all(filter: #filter, page_size: i64) -> #pager {
                    dao::Pager::new(filter, page_size)
                }

                #writes
                #erase
            }
        }
    }
}

/// Column types whose Rust values are `Copy`: bound and handed out by value, never borrowed or
/// cloned.
fn is_copy(ty: SqlType) -> bool {
    !matches!(ty, SqlType::Text | SqlType::Jsonb)
}

/// `expr` (a place of a column's type) as an owned value: copied or cloned.
fn owned_value(ty: SqlType, expr: TokenStream) -> TokenStream {
    if is_copy(ty) {
        expr
    } else {
        quote!(#expr.clone())
    }
}

/// `expr` as a bind argument: by value for `Copy` types, by reference otherwise.
fn bind_arg(ty: SqlType, expr: TokenStream) -> TokenStream {
    if is_copy(ty) {
        expr
    } else {
        quote!(&#expr)
    }
}

/// The SQL reading the modifying user's parameter `$n` into a `by` column (a uuid user is cast
/// when the column is text).
fn user_sql(t: &Table, c: &Column, n: usize) -> String {
    match (t.user_type, c.ty) {
        (UserType::Uuid, SqlType::Uuid) | (UserType::String, _) => format!("${n}"),
        (UserType::Uuid, _) => format!("${n}::text"),
    }
}

/// The user as text (`set_config`, `journal.erasures`).
fn user_text_sql(t: &Table, n: usize) -> String {
    match t.user_type {
        UserType::Uuid => format!("${n}::text"),
        UserType::String => format!("${n}"),
    }
}

/// One value of a written row that is a parameter of its own (per row in batches).
enum RowValue<'a> {
    /// The primary key the DAO generated (uuid or prefixed id).
    GeneratedPkey(&'a Column),
    Form(&'a Column),
    HashCode(&'a Column),
}

impl RowValue<'_> {
    fn column(&self) -> &Column {
        match self {
            RowValue::GeneratedPkey(c) | RowValue::Form(c) | RowValue::HashCode(c) => c,
        }
    }
}

/// The per-row parameters of a write, in bind order: `[generated pkey]`, the form's columns,
/// `[hash_code]`. The modifying user follows as one parameter that every `by` column reads.
fn row_values(t: &Table, generated_pkey: bool) -> Vec<RowValue<'_>> {
    let mut out = Vec::new();
    if generated_pkey && generates_pkey(t) {
        out.push(RowValue::GeneratedPkey(t.pkey_column()));
    }
    out.extend(t.form_columns().map(RowValue::Form));
    out.extend(
        t.columns
            .iter()
            .filter(|c| c.role == ColumnRole::HashCode)
            .map(RowValue::HashCode),
    );
    out
}

fn generates_pkey(t: &Table) -> bool {
    matches!(
        t.generator,
        PkeyGenerator::Uuid | PkeyGenerator::Prefixed(_)
    )
}

fn has_user_column(t: &Table) -> bool {
    t.columns.iter().any(|c| {
        matches!(
            c.role,
            ColumnRole::CreatedBy | ColumnRole::UpdatedBy | ColumnRole::DeletedBy
        )
    })
}

/// Columns and SQL values of an insert: `value(i)` is the SQL of row value `i` of
/// [`row_values`]; `user` is the user's parameter number.
fn insert_columns(
    t: &Table,
    values: &[RowValue<'_>],
    value: impl Fn(usize) -> String,
    user: usize,
) -> (String, String) {
    let mut cols: Vec<String> = values.iter().map(|v| ident(&v.column().name)).collect();
    let mut sql: Vec<String> = (0..values.len()).map(value).collect();
    for c in &t.columns {
        match c.role {
            ColumnRole::CreatedBy | ColumnRole::UpdatedBy => {
                cols.push(ident(&c.name));
                sql.push(user_sql(t, c, user));
            }
            ColumnRole::CreatedAt | ColumnRole::UpdatedAt => {
                cols.push(ident(&c.name));
                sql.push("now()".into());
            }
            _ => {}
        }
    }
    (cols.join(", "), sql.join(", "))
}

/// `on conflict (…) [where …] do update set … [where hash_code differs]` of the upserts.
fn on_conflict_clause(t: &Table, keys: &[String], predicate: Option<&str>) -> String {
    let tbl = qualified(&t.schema, &t.name);
    let mut set: Vec<String> = t
        .form_columns()
        .filter(|c| c.name != t.pkey && !keys.contains(&c.name))
        .map(|c| c.name.as_str())
        .chain(
            t.columns
                .iter()
                .filter(|c| {
                    matches!(
                        c.role,
                        ColumnRole::UpdatedBy | ColumnRole::HashCode | ColumnRole::UpdatedAt
                    )
                })
                .map(|c| c.name.as_str()),
        )
        .map(|c| format!("{} = excluded.{}", ident(c), ident(c)))
        .collect();
    set.dedup();
    let target = format!(
        "({}){}",
        keys.iter().map(|k| ident(k)).collect::<Vec<_>>().join(", "),
        predicate.map(|p| format!(" where {p}")).unwrap_or_default()
    );
    if set.is_empty() {
        return format!("on conflict {target} do nothing");
    }
    let guard = if t.hash_code {
        format!(" where {tbl}.\"hash_code\" is distinct from excluded.\"hash_code\"")
    } else {
        String::new()
    };
    format!(
        "on conflict {target} do update set {}{guard}",
        set.join(", ")
    )
}

/// The delete of the rows matching `conds` (parameters `$1…`), the user being `$user`: a soft
/// delete (the `deleted` audit columns) when the table has them, else a hard delete that tells the
/// journal trigger who deleted.
fn delete_sql(t: &Table, conds: &[String], user: usize) -> String {
    let tbl = qualified(&t.schema, &t.name);
    let conds = conds.join(" and ");
    match t.role(ColumnRole::DeletedAt) {
        Some(at) => {
            let mut set = vec![format!("{} = now()", ident(&at.name))];
            for c in &t.columns {
                match c.role {
                    ColumnRole::DeletedBy | ColumnRole::UpdatedBy => {
                        set.push(format!("{} = {}", ident(&c.name), user_sql(t, c, user)))
                    }
                    ColumnRole::UpdatedAt => set.push(format!("{} = now()", ident(&c.name))),
                    _ => {}
                }
            }
            format!(
                "update {tbl} set {} where {conds} and {} is null",
                set.join(", "),
                ident(&at.name)
            )
        }
        None => format!(
            "delete from {tbl} where {conds} and set_config('{}', {}, true) is not null",
            super::sql::DELETED_BY_SETTING,
            user_text_sql(t, user)
        ),
    }
}

/// insert / insert_batch / upsert / upsert_batch / update / delete / delete_all_by.
fn writes(t: &Table, n: &Names) -> TokenStream {
    let Names { form, .. } = n;
    let tbl = qualified(&t.schema, &t.name);
    let pk = t.pkey_column();
    let pk_ty = owned(pk.ty);
    let pk_param = param(pk.ty);
    let pk_field = field(pk);
    let pk_ident = ident(&pk.name);
    let user_ty = user_type(t);
    let user_check = match t.user_type {
        UserType::String => quote! { dao::check_text("user", user)?; },
        UserType::Uuid => quote!(),
    };
    // The modifying user, the last parameter (when a column reads it).
    let user_bind = if has_user_column(t) {
        quote!(.bind(user))
    } else {
        quote!()
    };
    let generated = generates_pkey(t);

    // Single-row insert: `$1…` the row values, then the user.
    let values = row_values(t, true);
    let user_n = values.len() + 1;
    let (col_list, value_list) = insert_columns(t, &values, |i| format!("${}", i + 1), user_n);
    // Keys the DAO generates are known before the statement: nothing to return.
    let returning = if generated {
        String::new()
    } else {
        format!(" returning {pk_ident}")
    };
    let insert_sql = format!("insert into {tbl} ({col_list}) values ({value_list}){returning}");
    // A new key (uuid or prefixed id) when the DAO generates them.
    let new_key = match (&t.generator, pk.ty) {
        (PkeyGenerator::Prefixed(p), _) => quote!(dao::prefixed_id(#p)),
        (_, SqlType::Uuid) => quote!(dao::new_uuid()),
        _ => quote!(dao::new_uuid().to_string()),
    };
    let pk_gen = if generated {
        quote! { let pkey: #pk_ty = #new_key; }
    } else {
        quote!()
    };
    // The single-row statement `sql` with its parameters bound: [the key], the form, the user.
    let row_query = |sql: &str| {
        let key = if generated {
            let b = bind_arg(pk.ty, quote!(pkey));
            quote!(.bind(#b))
        } else {
            quote!()
        };
        quote!(dao::bind(dao::sqlx::query(#sql) #key, form)? #user_bind)
    };
    let insert_q = row_query(&insert_sql);
    let insert_body = if generated {
        quote! {
            dao::execute(conn, #insert_q).await?;
            Ok(pkey)
        }
    } else {
        quote!(dao::fetch_key(conn, #insert_q).await)
    };
    let insert = quote! {
        /// Inserts a row; returns its primary key. `created_*`/`updated_*` are set from `user`
        /// and the database clock.
        pub async fn insert(conn: &mut PgConnection, user: #user_ty, form: &#form) -> dao::Result<#pk_ty> {
            #user_check
            #pk_gen
            #insert_body
        }
    };
    // A batch's statement `sql` with its parameters bound: [the keys], one array per column,
    // the user.
    let batch_keys = if generated {
        // `dao::new_uuid` itself when it is the whole closure (clippy's redundant_closure).
        let new = match (&t.generator, pk.ty) {
            (PkeyGenerator::Prefixed(_), _) => quote!(|| #new_key),
            (_, SqlType::Uuid) => quote!(dao::new_uuid),
            _ => quote!(|| #new_key),
        };
        quote! { let keys: Vec<#pk_ty> = dao::keys(forms.len(), #new); }
    } else {
        quote!()
    };
    let batch_query = |sql: &str| {
        let keys = if generated {
            quote!(.bind(&keys))
        } else {
            quote!()
        };
        quote!(dao::bind_batch(dao::sqlx::query(#sql) #keys, forms)? #user_bind)
    };

    // Batches: one array per row value, `unnest`ed; the user is one parameter.
    let arrays = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("${}::{}[]", i + 1, v.column().ty.sql()))
        .collect::<Vec<_>>()
        .join(", ");
    let aliases = (0..values.len())
        .map(|i| format!("u{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (_, batch_values) = insert_columns(t, &values, |i| format!("u{i}"), user_n);
    let batch_sql = format!(
        "insert into {tbl} ({col_list}) select {batch_values} from unnest({arrays}) with ordinality as u({aliases}, ord) order by ord{returning}"
    );
    let batch_q = batch_query(&batch_sql);
    let batch_body = if generated {
        quote! {
            dao::execute(conn, #batch_q).await?;
            Ok(keys)
        }
    } else {
        quote!(dao::fetch_keys(conn, #batch_q).await)
    };
    let insert_batch = quote! {
        /// Inserts every form in one statement (one array parameter per column, `unnest`);
        /// returns the primary keys in the order of `forms`. Nothing is written when a form is
        /// refused.
        pub async fn insert_batch(conn: &mut PgConnection, user: #user_ty, forms: &[#form]) -> dao::Result<Vec<#pk_ty>> {
            #user_check
            if forms.is_empty() {
                return Ok(Vec::new());
            }
            #batch_keys
            #batch_body
        }
    };

    // Update: `$1` the key, then the form's columns, `hash_code`, the user.
    let uvalues = row_values(t, false);
    let uuser = uvalues.len() + 2;
    let mut set: Vec<String> = Vec::new();
    let mut hash_n = None;
    for (i, v) in uvalues.iter().enumerate() {
        let c = v.column();
        match v {
            RowValue::Form(c) if c.name == pk.name => {}
            RowValue::HashCode(_) => {
                hash_n = Some(i + 2);
                set.push(format!("{} = ${}", ident(&c.name), i + 2));
            }
            _ => set.push(format!("{} = ${}", ident(&c.name), i + 2)),
        }
    }
    for c in &t.columns {
        match c.role {
            ColumnRole::UpdatedBy => {
                set.push(format!("{} = {}", ident(&c.name), user_sql(t, c, uuser)))
            }
            ColumnRole::UpdatedAt => set.push(format!("{} = now()", ident(&c.name))),
            _ => {}
        }
    }
    let live_sql = t
        .role(ColumnRole::DeletedAt)
        .map(|c| format!(" and {} is null", ident(&c.name)))
        .unwrap_or_default();
    let hash_guard = hash_n
        .map(|h| format!(" and \"hash_code\" is distinct from ${h}"))
        .unwrap_or_default();
    let pk_fn = snake(&pk.name).trim_start_matches("r#").to_owned();
    let update_fn = format_ident!("update_by_{}", pk_fn);
    let update = if set.is_empty() {
        quote!()
    } else {
        let update_sql = format!(
            "update {tbl} set {} where {pk_ident} = $1{live_sql}{hash_guard}",
            set.join(", ")
        );
        // With hash_code, one statement tells the three outcomes apart: the update (which
        // skips an unchanged row) in a CTE beside whether the live row exists.
        let (update_sql, outcome) = if hash_n.is_some() {
            (
                format!(
                    "with found as (select 1 from {tbl} where {pk_ident} = $1{live_sql}), written as ({update_sql} returning 1) select (select count(*) from written), (select count(*) from found)"
                ),
                quote!(dao::update_hashed),
            )
        } else {
            (update_sql, quote!(dao::update_plain))
        };
        let doc = if t.hash_code {
            " Updates the row from `form`. When the row already holds this form (same `hash_code`) nothing is written: no `updated_at` bump, no journal row, and the outcome is `Unchanged`."
        } else {
            " Updates the row from `form` (this table has no `hash_code`: every update writes)."
        };
        quote! {
            #[doc = #doc]
            pub async fn #update_fn(conn: &mut PgConnection, user: #user_ty, #pk_field: #pk_param, form: &#form) -> dao::Result<dao::UpdateOutcome> {
                #user_check
                #outcome(conn, dao::bind(dao::sqlx::query(#update_sql).bind(#pk_field), form)? #user_bind).await
            }
        }
    };

    // Upserts.
    let upserts = match &t.on_conflict {
        None => quote!(),
        Some((keys, predicate)) => {
            let suffix = keys
                .iter()
                .map(|k| snake(k).trim_start_matches("r#").to_owned())
                .collect::<Vec<_>>()
                .join("_and_");
            let fname = format_ident!("upsert_by_{}", suffix);
            let batch_fname = format_ident!("upsert_batch_by_{}", suffix);
            let conflict = on_conflict_clause(t, keys, predicate.as_deref());
            let sql = format!(
                "insert into {tbl} ({col_list}) values ({value_list}) {conflict} returning {pk_ident}, (xmax = 0) as inserted"
            );
            // The batch: the input with its ordinal, the upsert returning the keys it wrote,
            // and one answer per input row in input order (no answer: unchanged).
            let returning_keys: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| format!("{} as \"r{i}\"", ident(k)))
                .collect();
            let join: Vec<String> = keys
                .iter()
                .enumerate()
                .filter_map(|(i, k)| {
                    let j = values.iter().position(|v| &v.column().name == k)?;
                    let op = if values[j].column().nullable {
                        "is not distinct from"
                    } else {
                        "="
                    };
                    Some(format!("input.\"u{j}\" {op} up.\"r{i}\""))
                })
                .collect();
            let batch_sql = format!(
                "with input as (select * from unnest({arrays}) with ordinality as u({aliases}, ord)), \
                 up as (insert into {tbl} ({col_list}) select {batch_values} from input order by ord {conflict} \
                 returning {pk_ident} as \"r_pkey\", {}, (xmax = 0) as \"r_inserted\") \
                 select up.\"r_pkey\", up.\"r_inserted\" from input left join up on {} order by input.ord",
                returning_keys.join(", "),
                if join.is_empty() { "false".to_owned() } else { join.join(" and ") }
            );
            let upsert_q = row_query(&sql);
            let upsert_batch_q = batch_query(&batch_sql);
            let doc = format!(
                " Inserts, or updates the row with the same ({}). An unchanged form (same `hash_code`) writes nothing and is `Unchanged`.",
                keys.join(", ")
            );
            let batch_doc = format!(
                " [`Self::{fname}`] for every form, in one statement; one outcome per form, in order. Two forms with the same ({}) are refused by the database (a row cannot be upserted twice in one statement).",
                keys.join(", ")
            );
            quote! {
                #[doc = #doc]
                pub async fn #fname(conn: &mut PgConnection, user: #user_ty, form: &#form) -> dao::Result<dao::UpsertOutcome<#pk_ty>> {
                    #user_check
                    #pk_gen
                    dao::upsert(conn, #upsert_q).await
                }

                #[doc = #batch_doc]
                pub async fn #batch_fname(conn: &mut PgConnection, user: #user_ty, forms: &[#form]) -> dao::Result<Vec<dao::UpsertOutcome<#pk_ty>>> {
                    #user_check
                    if forms.is_empty() {
                        return Ok(Vec::new());
                    }
                    #batch_keys
                    dao::upsert_batch(conn, #upsert_batch_q).await
                }
            }
        }
    };

    // Deletes: by the pkey, and all rows of each index.
    let soft = t.soft_delete();
    let delete_fn = format_ident!("delete_by_{}", pk_fn);
    let delete_doc = if soft {
        " Soft delete: sets the `deleted` audit columns (the row stays, finders skip it). False when there is no live row with this key."
    } else {
        " Hard delete; the journal records `user` as the deleting user. False when there is no row with this key."
    };
    let delete_sql_pk = delete_sql(t, &[format!("{pk_ident} = $1")], 2);
    let mut deletes = vec![quote! {
        #[doc = #delete_doc]
        pub async fn #delete_fn(conn: &mut PgConnection, user: #user_ty, #pk_field: #pk_param) -> dao::Result<bool> {
            #user_check
            Ok(dao::execute(conn, dao::sqlx::query(#delete_sql_pk).bind(#pk_field).bind(user)).await? > 0)
        }
    }];
    let mut delete_names = std::collections::HashSet::new();
    for ix in t.finder_indexes() {
        let cols: Vec<&Column> = ix.columns.iter().filter_map(|c| t.column(c)).collect();
        let suffix = cols
            .iter()
            .map(|c| snake(&c.name).trim_start_matches("r#").to_owned())
            .collect::<Vec<_>>()
            .join("_and_");
        let fname = format_ident!("delete_all_by_{}", suffix);
        if !delete_names.insert(fname.to_string()) {
            continue;
        }
        let args: Vec<Ident> = cols.iter().map(|c| field(c)).collect();
        let params: Vec<TokenStream> = cols.iter().map(|c| param(c.ty)).collect();
        let mut conds: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} = ${}", ident(&c.name), i + 1))
            .collect();
        if let Some(p) = &ix.predicate {
            conds.push(format!("({p})"));
        }
        let sql = delete_sql(t, &conds, cols.len() + 1);
        let doc = format!(
            " {} every row with these values of index `{}`{} (the rows `find{}_by_{suffix}` returns), in one statement; the number of rows deleted.",
            if soft { "Soft-deletes" } else { "Deletes" },
            ix.name,
            ix.predicate
                .as_deref()
                .map(|p| format!(" (where {p})"))
                .unwrap_or_default(),
            if ix.unique { "" } else { "_all" },
        );
        deletes.push(quote! {
            #[doc = #doc]
            pub async fn #fname(conn: &mut PgConnection, user: #user_ty, #(#args: #params),*) -> dao::Result<u64> {
                #user_check
                dao::execute(conn, dao::sqlx::query(#sql) #(.bind(#args))* .bind(user)).await
            }
        });
    }
    quote! {
        #insert
        #insert_batch
        #upserts
        #update
        #(#deletes)*
    }
}

/// `erase_personal_data_by_<pkey>`: blanks personal-data columns in the row and in every journal
/// row of it, and records the erasure in `journal.erasures`, in one (nested) transaction.
fn erase(t: &Table, _n: &Names) -> TokenStream {
    let erasable: Vec<&Column> = t
        .personal_columns()
        .filter(|c| c.nullable || c.is_text())
        .collect();
    if erasable.is_empty() {
        return quote!();
    }
    let tbl = qualified(&t.schema, &t.name);
    let pk = t.pkey_column();
    let pk_field = field(pk);
    let pk_param = param(pk.ty);
    let pk_ident = ident(&pk.name);
    let user_ty = user_type(t);
    let blank = |c: &Column| {
        if c.nullable {
            format!("{} = null", ident(&c.name))
        } else {
            format!("{} = '[erased]'", ident(&c.name))
        }
    };
    let mut set: Vec<String> = erasable.iter().map(|c| blank(c)).collect();
    for c in &t.columns {
        match c.role {
            ColumnRole::UpdatedBy => {
                set.push(format!("{} = {}", ident(&c.name), user_sql(t, c, 2)))
            }
            ColumnRole::UpdatedAt => set.push(format!("{} = now()", ident(&c.name))),
            ColumnRole::HashCode => set.push("\"hash_code\" = 0".into()),
            _ => {}
        }
    }
    // `user` is `$2` (a typed parameter) even when no column reads it.
    let row_sql = format!("update {tbl} set {} where {pk_ident} = $1", set.join(", "));
    let journal_set: Vec<String> = erasable.iter().map(|c| blank(c)).collect();
    let journal_sql = format!(
        "update {} set {} where {pk_ident} = $1",
        journal_qualified(t),
        journal_set.join(", ")
    );
    let record_sql = format!(
        "insert into {} (\"erased_by\", \"table_schema\", \"table_name\", \"pkey\", \"columns\") values ({}, $2, $3, $4::text, $5)",
        qualified(super::sql::JOURNAL_SCHEMA, "erasures"),
        user_text_sql(t, 1)
    );
    let names: Vec<&str> = erasable.iter().map(|c| c.name.as_str()).collect();
    let (schema, name) = (&t.schema, &t.name);
    let fname = format_ident!(
        "erase_personal_data_by_{}",
        snake(&pk.name).trim_start_matches("r#")
    );
    let doc = format!(
        " Erases personal data ({}) of the row and of its whole journal history, and records the erasure in `journal.erasures`. False when there is no row with this key.",
        names.join(", ")
    );
    quote! {
        #[doc = #doc]
        pub async fn #fname(conn: &mut PgConnection, user: #user_ty, #pk_field: #pk_param) -> dao::Result<bool> {
            dao::erase(
                conn,
                dao::sqlx::query(#row_sql).bind(#pk_field).bind(user),
                dao::sqlx::query(#journal_sql).bind(#pk_field),
                dao::sqlx::query(#record_sql).bind(user).bind(#schema).bind(#name).bind(#pk_field).bind(&[#(#names),*][..]),
            ).await
        }
    }
}
