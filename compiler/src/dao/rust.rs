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
        SqlType::Uuid => quote!(dao::uuid::Uuid),
        SqlType::Text => quote!(String),
        SqlType::Integer => quote!(i32),
        SqlType::Bigint => quote!(i64),
        SqlType::Boolean => quote!(bool),
        SqlType::Double => quote!(f64),
        SqlType::Numeric => quote!(dao::rust_decimal::Decimal),
        SqlType::Date => quote!(dao::chrono::NaiveDate),
        SqlType::Timestamptz => quote!(dao::chrono::DateTime<dao::chrono::Utc>),
        SqlType::Jsonb => quote!(dao::serde_json::Value),
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
        SqlType::Jsonb => quote!(&dao::serde_json::Value),
        t => owned(t),
    }
}

fn user_type(t: &Table) -> TokenStream {
    match t.user_type {
        UserType::Uuid => quote!(dao::uuid::Uuid),
        UserType::String => quote!(&str),
    }
}

/// The bind expression of the modifying user for a `by` column.
fn user_bind(t: &Table, c: &Column) -> TokenStream {
    match (t.user_type, c.ty) {
        (UserType::Uuid, SqlType::Uuid) => quote!(user),
        (UserType::Uuid, _) => quote!(user.to_string()),
        (UserType::String, _) => quote!(user),
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
/// no tables). Metadata diagnostics are `charter check`'s to report.
pub fn gen_module(repo: &Repo, id: crate::ir::ServiceId) -> TokenStream {
    let mut diags = crate::diag::Diagnostics::new();
    let plan = super::meta::plan(repo, None, &mut diags);
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
pub fn file(repo: &Repo, tables: &[&Table], title: &str) -> String {
    let tokens = service_module(repo, tables);
    let body = match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(f) => crate::gen::format::unparse(&f),
        Err(e) => format!("compile_error!({:?});\n{tokens}\n", e.to_string()),
    };
    format!("{}\n//! {title}\n\n{body}", crate::gen::HEADER)
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
    let from_row = t.columns.iter().map(|c| {
        let f = field(c);
        let name = &c.name;
        quote! { #f: row.try_get(#name)?, }
    });

    // Form.
    let form_cols: Vec<&Column> = t.form_columns().collect();
    let form_fields = form_cols.iter().map(|c| {
        let f = field(c);
        let ty = col_type(c);
        let doc = format!(" `{}`", c.name);
        quote! { #[doc = #doc] pub #f: #ty, }
    });
    let text_checks: Vec<TokenStream> = form_cols
        .iter()
        .filter(|c| c.is_text())
        .map(|c| {
            let f = field(c);
            let name = &c.name;
            if c.nullable {
                quote! { dao::check_opt_text(#name, self.#f.as_deref())?; }
            } else {
                quote! { dao::check_text(#name, &self.#f)?; }
            }
        })
        .collect();
    let hash_cols = form_cols.iter().map(|c| {
        let f = field(c);
        quote! { h.column(&self.#f); }
    });
    let form_of_row = form_cols.iter().map(|c| {
        let f = field(c);
        quote! { #f: self.#f.clone(), }
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
        let eq = format!(" and {} = ", ident(&c.name));
        let any = format!(" and {} = any(", ident(&c.name));
        quote! {
            if let Some(v) = &self.#f { qb.push(#eq); qb.push_bind(v.clone()); }
            if let Some(v) = &self.#fs { qb.push(#any); qb.push_bind(v.clone()); qb.push(")"); }
        }
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
                Ok(dao::sqlx::query_as::<_, #row>(#sql).bind(#pk_field).fetch_optional(&mut *conn).await?)
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
                    Ok(dao::sqlx::query_as::<_, #row>(#sql) #(.bind(#args))* .fetch_optional(&mut *conn).await?)
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
                    Ok(dao::sqlx::query_as::<_, #row>(#sql) #(.bind(#args))* .bind(limit).fetch_all(&mut *conn).await?)
                }
            });
        }
    }

    let writes = writes(t, &n);
    let erase = erase(t, &n);

    quote! {
        #[doc = #doc_mod]
        pub mod #module {
            #![allow(clippy::too_many_arguments, clippy::needless_borrow, clippy::needless_borrows_for_generic_args, clippy::clone_on_copy, unused_imports)]
            use charter_runtime::dao::{self, PgConnection};
            use dao::sqlx::Row as _;

            /// A row, every column (audit columns included).
            #[derive(Clone, Debug, PartialEq)]
            pub struct #row {
                #(#row_fields)*
            }

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
                    #(#text_checks)*
                    Ok(())
                }
                /// The stable hash of the form (see `charter_runtime::dao`, "hash_code").
                pub fn hash_code(&self) -> i64 {
                    let mut h = dao::StableHasher::new();
                    #(#hash_cols)*
                    h.finish()
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

            impl #filter {
                fn push(&self, qb: &mut dao::sqlx::QueryBuilder<'_, dao::sqlx::Postgres>) {
                    #(#filter_push)*
                    #deleted_push
                }
            }

            /// Keyset iteration over every matching row, in primary-key order.
            #[derive(Clone, Debug)]
            pub struct #pager {
                filter: #filter,
                page_size: i64,
                after: Option<#pk_ty>,
                done: bool,
            }

            impl #pager {
                /// The next page (`None` once every row was returned).
                pub async fn next_page(&mut self, conn: &mut PgConnection) -> dao::Result<Option<Vec<#row>>> {
                    if self.done {
                        return Ok(None);
                    }
                    let rows = #dao::find_page_after(conn, &self.filter, self.after.clone(), self.page_size).await?;
                    if (rows.len() as i64) < self.page_size {
                        self.done = true;
                    }
                    match rows.last() {
                        Some(last) => self.after = Some(last.#pk_field.clone()),
                        None => return Ok(None),
                    }
                    Ok(Some(rows))
                }
            }

            /// Data access for this table.
            pub struct #dao;

            impl #dao {
                #(#finders)*

                /// Rows matching `filter`, ordered by `order_by` (`-created_at,email`: columns of
                /// this table only) or the primary key, at most `limit` (required) after `offset`.
                pub async fn find_all(conn: &mut PgConnection, filter: &#filter, limit: i64, offset: i64, order_by: Option<&str>) -> dao::Result<Vec<#row>> {
                    dao::check_limit(limit, offset)?;
                    let order = match order_by {
                        Some(o) => dao::OrderBy::parse(o, #table::COLUMNS)?,
                        None => dao::OrderBy::parse(#pk_name, #table::COLUMNS)?,
                    };
                    let mut qb = dao::sqlx::QueryBuilder::new(#select);
                    qb.push(" where true");
                    filter.push(&mut qb);
                    qb.push(" order by ");
                    qb.push(order.sql());
                    qb.push(" limit ");
                    qb.push_bind(limit);
                    qb.push(" offset ");
                    qb.push_bind(offset);
                    Ok(qb.build_query_as::<#row>().fetch_all(&mut *conn).await?)
                }

                /// One keyset page: rows matching `filter` with a primary key after `after`.
                pub async fn find_page_after(conn: &mut PgConnection, filter: &#filter, after: Option<#pk_ty>, limit: i64) -> dao::Result<Vec<#row>> {
                    dao::check_limit(limit, 0)?;
                    let mut qb = dao::sqlx::QueryBuilder::new(#select);
                    match after {
                        Some(a) => {
                            qb.push(concat!(" where ", #pk_ident, " > "));
                            qb.push_bind(a);
                        }
                        None => {
                            qb.push(" where true");
                        }
                    }
                    filter.push(&mut qb);
                    qb.push(concat!(" order by ", #pk_ident, " limit "));
                    qb.push_bind(limit);
                    Ok(qb.build_query_as::<#row>().fetch_all(&mut *conn).await?)
                }

                /// Iterates every matching row in pages of `page_size`, by primary key (no row
                /// missed or repeated while rows are only added after the last page read).
                pub fn iterate_all(filter: #filter, page_size: i64) -> #pager {
                    #pager { filter, page_size, after: None, done: false }
                }

                #writes
                #erase
            }
        }
    }
}

/// insert / insert_batch / upsert / update / delete.
fn writes(t: &Table, n: &Names) -> TokenStream {
    let Names { row: _, form, .. } = n;
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
    let form_cols: Vec<&Column> = t.form_columns().collect();

    // Insert columns and their bind expressions (in order), for a form `form`.
    let mut cols: Vec<String> = Vec::new();
    let mut binds: Vec<TokenStream> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    let mut pk_gen = quote!();
    match &t.generator {
        PkeyGenerator::Uuid | PkeyGenerator::Prefixed(_) => {
            let g = match (&t.generator, pk.ty) {
                (PkeyGenerator::Prefixed(p), _) => quote!(dao::prefixed_id(#p)),
                (_, SqlType::Uuid) => quote!(dao::new_uuid()),
                _ => quote!(dao::new_uuid().to_string()),
            };
            pk_gen = quote! { let pkey: #pk_ty = #g; };
            cols.push(pk.name.clone());
            binds.push(quote!(pkey.clone()));
        }
        PkeyGenerator::None | PkeyGenerator::Database => {}
    }
    for c in &form_cols {
        let f = field(c);
        cols.push(c.name.clone());
        binds.push(quote!(&form.#f));
    }
    for c in &t.columns {
        match c.role {
            ColumnRole::CreatedBy | ColumnRole::UpdatedBy => {
                cols.push(c.name.clone());
                binds.push(user_bind(t, c));
            }
            ColumnRole::HashCode => {
                cols.push(c.name.clone());
                binds.push(quote!(form.hash_code()));
            }
            _ => {}
        }
    }
    for (i, _) in cols.iter().enumerate() {
        values.push(format!("${}", i + 1));
    }
    let mut all_cols = cols.clone();
    let mut all_values = values.clone();
    for c in &t.columns {
        if matches!(c.role, ColumnRole::CreatedAt | ColumnRole::UpdatedAt) {
            all_cols.push(c.name.clone());
            all_values.push("now()".into());
        }
    }
    let col_list = all_cols
        .iter()
        .map(|c| ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    let insert_sql = format!(
        "insert into {tbl} ({col_list}) values ({}) returning {pk_ident}",
        all_values.join(", ")
    );
    let returns_pk = match t.generator {
        PkeyGenerator::Uuid | PkeyGenerator::Prefixed(_) => quote!(Ok(pkey)),
        _ => quote! {
            let pkey: #pk_ty = dao::sqlx::Row::try_get(&row, 0usize)?;
            Ok(pkey)
        },
    };
    let fetch_for_insert = match t.generator {
        PkeyGenerator::Uuid | PkeyGenerator::Prefixed(_) => quote! {
            q.execute(&mut *conn).await?;
        },
        _ => quote! {
            let row = q.fetch_one(&mut *conn).await?;
        },
    };
    let insert = quote! {
        /// Inserts a row; returns its primary key. `created_*`/`updated_*` are set from `user`
        /// and the database clock.
        pub async fn insert(conn: &mut PgConnection, user: #user_ty, form: &#form) -> dao::Result<#pk_ty> {
            #user_check
            form.validate()?;
            #pk_gen
            let q = dao::sqlx::query(#insert_sql) #(.bind(#binds))*;
            #fetch_for_insert
            #returns_pk
        }
    };

    // Batch insert via unnest of one array per column.
    let mut arr_decls = Vec::new();
    let mut arr_pushes = Vec::new();
    let mut arr_binds = Vec::new();
    let mut arr_sql_cols = Vec::new();
    let mut arr_select = Vec::new();
    let mut k = 0usize;
    let mut push_arr = |name: &str,
                        sql_ty: SqlType,
                        elem: TokenStream,
                        push: TokenStream,
                        arr_decls: &mut Vec<TokenStream>,
                        arr_pushes: &mut Vec<TokenStream>,
                        arr_binds: &mut Vec<TokenStream>| {
        let v = format_ident!("c{}", k);
        k += 1;
        arr_decls.push(quote! { let mut #v: Vec<#elem> = Vec::with_capacity(forms.len()); });
        arr_pushes.push(quote! { #v.push(#push); });
        arr_binds.push(quote! { .bind(#v) });
        arr_sql_cols.push(ident(name));
        arr_select.push(format!("${}::{}[]", k, sql_ty.sql()));
    };
    match &t.generator {
        PkeyGenerator::Uuid | PkeyGenerator::Prefixed(_) => push_arr(
            &pk.name,
            pk.ty,
            pk_ty.clone(),
            quote!(pkey.clone()),
            &mut arr_decls,
            &mut arr_pushes,
            &mut arr_binds,
        ),
        _ => {}
    }
    for c in &form_cols {
        let f = field(c);
        push_arr(
            &c.name,
            c.ty,
            col_type(c),
            quote!(form.#f.clone()),
            &mut arr_decls,
            &mut arr_pushes,
            &mut arr_binds,
        );
    }
    for c in &t.columns {
        match c.role {
            ColumnRole::CreatedBy | ColumnRole::UpdatedBy => {
                let b = user_bind(t, c);
                let (elem, e) = match (t.user_type, c.ty) {
                    (UserType::Uuid, SqlType::Uuid) => (quote!(dao::uuid::Uuid), quote!(#b)),
                    _ => (quote!(String), quote!(#b.to_string())),
                };
                push_arr(
                    &c.name,
                    c.ty,
                    elem,
                    e,
                    &mut arr_decls,
                    &mut arr_pushes,
                    &mut arr_binds,
                );
            }
            ColumnRole::HashCode => push_arr(
                &c.name,
                c.ty,
                quote!(i64),
                quote!(form.hash_code()),
                &mut arr_decls,
                &mut arr_pushes,
                &mut arr_binds,
            ),
            _ => {}
        }
    }
    let mut batch_cols = arr_sql_cols.clone();
    let mut batch_select = arr_select.clone();
    for c in &t.columns {
        if matches!(c.role, ColumnRole::CreatedAt | ColumnRole::UpdatedAt) {
            batch_cols.push(ident(&c.name));
            batch_select.push("now()".into());
        }
    }
    let unnest_aliases: Vec<String> = (0..arr_select.len()).map(|i| format!("u{i}")).collect();
    let batch_sql = format!(
        "insert into {tbl} ({}) select {} from unnest({}) as u({}) returning {pk_ident}",
        batch_cols.join(", "),
        unnest_aliases
            .iter()
            .cloned()
            .chain(batch_select[arr_select.len()..].iter().cloned())
            .collect::<Vec<_>>()
            .join(", "),
        arr_select.join(", "),
        unnest_aliases.join(", ")
    );
    let batch_pk = match &t.generator {
        PkeyGenerator::Uuid | PkeyGenerator::Prefixed(_) => {
            let g = match (&t.generator, pk.ty) {
                (PkeyGenerator::Prefixed(p), _) => quote!(dao::prefixed_id(#p)),
                (_, SqlType::Uuid) => quote!(dao::new_uuid()),
                _ => quote!(dao::new_uuid().to_string()),
            };
            quote! { let pkey: #pk_ty = #g; keys.push(pkey.clone()); }
        }
        _ => quote!(),
    };
    let (batch_keys_decl, batch_return) = match &t.generator {
        PkeyGenerator::Uuid | PkeyGenerator::Prefixed(_) => (
            quote! { let mut keys: Vec<#pk_ty> = Vec::with_capacity(forms.len()); },
            quote! {
                dao::sqlx::query(#batch_sql) #(#arr_binds)* .execute(&mut *conn).await?;
                Ok(keys)
            },
        ),
        _ => (
            quote!(),
            quote! {
                let rows = dao::sqlx::query(#batch_sql) #(#arr_binds)* .fetch_all(&mut *conn).await?;
                rows.iter().map(|r| Ok(dao::sqlx::Row::try_get::<#pk_ty, _>(r, 0usize)?)).collect()
            },
        ),
    };
    let insert_batch = quote! {
        /// Inserts every form in one statement (one array per column, `unnest`); returns the
        /// primary keys in the order of `forms`.
        pub async fn insert_batch(conn: &mut PgConnection, user: #user_ty, forms: &[#form]) -> dao::Result<Vec<#pk_ty>> {
            #user_check
            if forms.is_empty() {
                return Ok(Vec::new());
            }
            #(#arr_decls)*
            #batch_keys_decl
            for form in forms {
                form.validate()?;
                #batch_pk
                #(#arr_pushes)*
            }
            #batch_return
        }
    };

    // Update.
    let mut set: Vec<String> = Vec::new();
    let mut ubinds: Vec<TokenStream> = vec![quote!(#pk_field)];
    for c in form_cols.iter().filter(|c| c.name != pk.name) {
        let f = field(c);
        ubinds.push(quote!(&form.#f));
        set.push(format!("{} = ${}", ident(&c.name), ubinds.len()));
    }
    for c in &t.columns {
        match c.role {
            ColumnRole::UpdatedBy => {
                ubinds.push(user_bind(t, c));
                set.push(format!("{} = ${}", ident(&c.name), ubinds.len()));
            }
            ColumnRole::UpdatedAt => set.push(format!("{} = now()", ident(&c.name))),
            ColumnRole::HashCode => {
                ubinds.push(quote!(form.hash_code()));
                set.push(format!("{} = ${}", ident(&c.name), ubinds.len()));
            }
            _ => {}
        }
    }
    let live_sql = t
        .role(ColumnRole::DeletedAt)
        .map(|c| format!(" and {} is null", ident(&c.name)))
        .unwrap_or_default();
    let hash_guard = if t.hash_code {
        format!(" and \"hash_code\" is distinct from ${}", ubinds.len())
    } else {
        String::new()
    };
    let pk_fn = snake(&pk.name).trim_start_matches("r#").to_owned();
    let update_fn = format_ident!("update_by_{}", pk_fn);
    let update = if set.is_empty() {
        quote!()
    } else {
        let update_sql = format!(
            "update {tbl} set {} where {pk_ident} = $1{live_sql}{hash_guard}",
            set.join(", ")
        );
        let exists_sql = format!("select 1 from {tbl} where {pk_ident} = $1{live_sql}");
        let unchanged = if t.hash_code {
            quote! {
                let exists = dao::sqlx::query(#exists_sql).bind(#pk_field).fetch_optional(&mut *conn).await?;
                Ok(if exists.is_some() { dao::UpdateOutcome::Unchanged } else { dao::UpdateOutcome::NotFound })
            }
        } else {
            quote! { Ok(dao::UpdateOutcome::NotFound) }
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
                form.validate()?;
                let done = dao::sqlx::query(#update_sql) #(.bind(#ubinds))* .execute(&mut *conn).await?;
                if done.rows_affected() > 0 {
                    return Ok(dao::UpdateOutcome::Updated);
                }
                #unchanged
            }
        }
    };

    // Upsert.
    let upsert = match &t.on_conflict {
        None => quote!(),
        Some((keys, predicate)) => {
            let fname = format_ident!(
                "upsert_by_{}",
                keys.iter()
                    .map(|k| snake(k).trim_start_matches("r#").to_owned())
                    .collect::<Vec<_>>()
                    .join("_and_")
            );
            let mut uset: Vec<String> = form_cols
                .iter()
                .filter(|c| c.name != pk.name && !keys.contains(&c.name))
                .map(|c| format!("{} = excluded.{}", ident(&c.name), ident(&c.name)))
                .collect();
            for c in &t.columns {
                match c.role {
                    ColumnRole::UpdatedBy | ColumnRole::HashCode | ColumnRole::UpdatedAt => {
                        uset.push(format!("{} = excluded.{}", ident(&c.name), ident(&c.name)))
                    }
                    _ => {}
                }
            }
            let target = format!(
                "({}){}",
                keys.iter().map(|k| ident(k)).collect::<Vec<_>>().join(", "),
                predicate
                    .as_deref()
                    .map(|p| format!(" where {p}"))
                    .unwrap_or_default()
            );
            let action = if uset.is_empty() {
                "do nothing".to_owned()
            } else {
                format!(
                    "do update set {}{}",
                    uset.join(", "),
                    if t.hash_code {
                        format!(
                            " where {tbl}.\"hash_code\" is distinct from excluded.\"hash_code\""
                        )
                    } else {
                        String::new()
                    }
                )
            };
            let sql = format!(
                "insert into {tbl} ({col_list}) values ({}) on conflict {target} {action} returning {pk_ident}, (xmax = 0) as inserted",
                all_values.join(", ")
            );
            let doc = format!(
                " Inserts, or updates the row with the same ({}). An unchanged form (same `hash_code`) writes nothing and is `Unchanged`.",
                keys.join(", ")
            );
            quote! {
                #[doc = #doc]
                pub async fn #fname(conn: &mut PgConnection, user: #user_ty, form: &#form) -> dao::Result<dao::UpsertOutcome<#pk_ty>> {
                    #user_check
                    form.validate()?;
                    #pk_gen
                    let row = dao::sqlx::query(#sql) #(.bind(#binds))* .fetch_optional(&mut *conn).await?;
                    Ok(match row {
                        None => dao::UpsertOutcome::Unchanged,
                        Some(row) => {
                            let key: #pk_ty = dao::sqlx::Row::try_get(&row, 0usize)?;
                            let inserted: bool = dao::sqlx::Row::try_get(&row, 1usize)?;
                            if inserted { dao::UpsertOutcome::Inserted(key) } else { dao::UpsertOutcome::Updated(key) }
                        }
                    })
                }
            }
        }
    };

    // Delete.
    let delete_fn = format_ident!("delete_by_{}", pk_fn);
    let delete = match (t.role(ColumnRole::DeletedAt), t.role(ColumnRole::DeletedBy)) {
        (Some(at), by) => {
            let mut sql = format!("update {tbl} set {} = now()", ident(&at.name));
            let mut dbinds = vec![quote!(#pk_field)];
            match by {
                Some(by) => {
                    dbinds.push(user_bind(t, by));
                    sql.push_str(&format!(", {} = $2", ident(&by.name)));
                }
                None => dbinds.push(quote!(user.to_string())),
            }
            for c in &t.columns {
                match c.role {
                    ColumnRole::UpdatedBy => {
                        dbinds.push(user_bind(t, c));
                        sql.push_str(&format!(", {} = ${}", ident(&c.name), dbinds.len()));
                    }
                    ColumnRole::UpdatedAt => sql.push_str(&format!(", {} = now()", ident(&c.name))),
                    _ => {}
                }
            }
            sql.push_str(&format!(
                " where {pk_ident} = $1 and {} is null",
                ident(&at.name)
            ));
            if by.is_none() {
                // `user` is still a parameter, so the statement shape is the same for every table.
                sql.push_str(" and $2::text is not null");
            }
            quote! {
                /// Soft delete: sets the `deleted` audit columns (the row stays, finders skip it).
                /// False when there is no live row with this key.
                pub async fn #delete_fn(conn: &mut PgConnection, user: #user_ty, #pk_field: #pk_param) -> dao::Result<bool> {
                    #user_check
                    let done = dao::sqlx::query(#sql) #(.bind(#dbinds))* .execute(&mut *conn).await?;
                    Ok(done.rows_affected() > 0)
                }
            }
        }
        (None, _) => {
            let sql = format!(
                "delete from {tbl} where {pk_ident} = $1 and set_config('{}', $2, true) is not null",
                super::sql::DELETED_BY_SETTING
            );
            quote! {
                /// Hard delete; the journal records `user` as the deleting user. False when there
                /// is no row with this key.
                pub async fn #delete_fn(conn: &mut PgConnection, user: #user_ty, #pk_field: #pk_param) -> dao::Result<bool> {
                    #user_check
                    let done = dao::sqlx::query(#sql).bind(#pk_field).bind(user.to_string()).execute(&mut *conn).await?;
                    Ok(done.rows_affected() > 0)
                }
            }
        }
    };
    quote! {
        #insert
        #insert_batch
        #upsert
        #update
        #delete
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
    let mut binds = vec![quote!(#pk_field)];
    for c in &t.columns {
        match c.role {
            ColumnRole::UpdatedBy => {
                binds.push(user_bind(t, c));
                set.push(format!("{} = ${}", ident(&c.name), binds.len()));
            }
            ColumnRole::UpdatedAt => set.push(format!("{} = now()", ident(&c.name))),
            ColumnRole::HashCode => set.push("\"hash_code\" = 0".into()),
            _ => {}
        }
    }
    let row_sql = format!("update {tbl} set {} where {pk_ident} = $1", set.join(", "));
    let journal_set: Vec<String> = erasable
        .iter()
        .map(|c| {
            if c.nullable {
                format!("{} = null", ident(&c.name))
            } else {
                format!("{} = '[erased]'", ident(&c.name))
            }
        })
        .collect();
    let journal_sql = format!(
        "update {} set {} where {pk_ident} = $1",
        journal_qualified(t),
        journal_set.join(", ")
    );
    let record_sql = format!(
        "insert into {} (\"erased_by\", \"table_schema\", \"table_name\", \"pkey\", \"columns\") values ($1, $2, $3, $4::text, $5)",
        qualified(super::sql::JOURNAL_SCHEMA, "erasures")
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
            use dao::sqlx::Connection as _;
            let mut tx = conn.begin().await?;
            let done = dao::sqlx::query(#row_sql) #(.bind(#binds))* .execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            dao::sqlx::query(#journal_sql).bind(#pk_field).execute(&mut *tx).await?;
            dao::sqlx::query(#record_sql)
                .bind(user.to_string())
                .bind(#schema)
                .bind(#name)
                .bind(#pk_field.to_string())
                .bind(&[#(#names),*][..])
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        }
    }
}
