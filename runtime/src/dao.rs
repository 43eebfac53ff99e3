//! Support for generated DAOs (feature `dao`): sqlx on PostgreSQL with runtime-checked queries
//! (`query` / `query_as`, no `DATABASE_URL` at compile time), typed errors, string checks done
//! before any SQL, validated `order_by`, write outcomes, and the stable `hash_code`.
//!
//! Generated methods take `&mut PgConnection`, so they work on a pooled connection
//! (`&mut *pool.acquire().await?`) and inside a caller's transaction (`&mut *tx`) alike. Every
//! value is a bind parameter; SQL text holds only identifiers from the spec.
//!
//! # hash_code
//!
//! [`StableHasher`] is 64-bit FNV-1a (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`)
//! over a canonical encoding of the form's columns, in declaration order. Each column contributes
//! one byte `0` for null, or one byte `1`, its encoded length as 8 bytes little-endian, then the
//! encoding: text as UTF-8; `i32`/`i64` as `i64` little-endian; `f64` by its IEEE bits
//! little-endian; `bool` as one byte; uuid as its 16 bytes; timestamps as microseconds since the
//! Unix epoch (`i64` LE, the precision Postgres keeps); dates as days since 0001-01-01 (`i64` LE);
//! decimals as their normalized text; JSON as its compact serde_json text. The `u64` result is
//! stored as the bit-identical `i64`. Identical across processes, platforms and releases (pinned
//! by a test vector below); a change to it would be a breaking change of this crate.

pub use sqlx;
pub use sqlx::postgres::{PgConnection, PgPool, PgRow};
/// The value types of generated rows, re-exported so generated code names one path.
pub use {::chrono, ::rust_decimal, ::serde_json, ::uuid};
/// Column value types by their short names, as generated rows and forms spell them.
pub use {rust_decimal::Decimal, serde_json::Value as Json, uuid::Uuid};
/// A `timestamptz` column.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
/// A `date` column.
pub type Date = chrono::NaiveDate;

use std::fmt;

/// A statement with its bound parameters, as the generated bind helpers pass it along.
pub type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// The session setting a hard delete sets to the deleting user, in the same statement; the
/// journal trigger records it and refuses deletes without it.
pub const DELETED_BY_SETTING: &str = "charter.deleted_by";

/// The text an erased personal-data column holds when it cannot be null.
pub const ERASED: &str = "[erased]";

/// Largest `limit` a finder accepts.
pub const MAX_LIMIT: i64 = 100_000;

/// Errors of generated DAOs. Messages name columns and problems, never values.
#[derive(Debug)]
#[non_exhaustive]
pub enum DaoError {
    /// An empty or whitespace-only string for a text column.
    EmptyString { column: &'static str },
    /// A string with leading or trailing whitespace for a text column.
    UntrimmedString { column: &'static str },
    /// An `order_by` that is not a comma-separated list of `[-]column` of the table.
    InvalidOrderBy { reason: String },
    /// A `limit` outside `1..=MAX_LIMIT`, or a negative offset.
    InvalidLimit { limit: i64 },
    /// The database refused the statement (constraint, connection, …).
    Database(sqlx::Error),
}

impl fmt::Display for DaoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DaoError::EmptyString { column } => write!(f, "`{column}` must not be empty or blank"),
            DaoError::UntrimmedString { column } => {
                write!(f, "`{column}` must not start or end with whitespace")
            }
            DaoError::InvalidOrderBy { reason } => write!(f, "invalid order_by: {reason}"),
            DaoError::InvalidLimit { limit } => {
                write!(
                    f,
                    "limit {limit} is outside 1..={MAX_LIMIT} (or the offset is negative)"
                )
            }
            DaoError::Database(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for DaoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DaoError::Database(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for DaoError {
    fn from(e: sqlx::Error) -> Self {
        DaoError::Database(e)
    }
}

pub type Result<T, E = DaoError> = std::result::Result<T, E>;

/// Refuses empty, blank and untrimmed strings (the database's checks are the last line).
pub fn check_text(column: &'static str, value: &str) -> Result<()> {
    // The usual case first: text whose first and last characters are not whitespace is neither
    // blank nor untrimmed (one character decoded at each end; `trim` only for refused text).
    let ends = (value.chars().next(), value.chars().next_back());
    if let (Some(first), Some(last)) = ends {
        if !first.is_whitespace() && !last.is_whitespace() {
            return Ok(());
        }
    }
    if value.trim().is_empty() {
        return Err(DaoError::EmptyString { column });
    }
    Err(DaoError::UntrimmedString { column })
}

/// [`check_text`] for an optional column (null is fine).
pub fn check_opt_text(column: &'static str, value: Option<&str>) -> Result<()> {
    value.map_or(Ok(()), |v| check_text(column, v))
}

pub fn check_limit(limit: i64, offset: i64) -> Result<()> {
    if !(1..=MAX_LIMIT).contains(&limit) || offset < 0 {
        return Err(DaoError::InvalidLimit { limit });
    }
    Ok(())
}

/// A validated `ORDER BY` clause: `-created_at,name` → `"created_at" desc, "name" asc`, every
/// column checked against the table's; the SQL is built from the table's own column names, never
/// from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderBy {
    sql: String,
}

impl OrderBy {
    pub fn parse(spec: &str, columns: &[&'static str]) -> Result<OrderBy> {
        let mut parts = Vec::new();
        for raw in spec.split(',') {
            let item = raw.trim();
            let (desc, name) = match item.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, item.strip_prefix('+').unwrap_or(item)),
            };
            let Some(col) = columns.iter().find(|c| **c == name) else {
                return Err(DaoError::InvalidOrderBy {
                    reason: if name.is_empty() {
                        "an empty column".to_owned()
                    } else {
                        format!(
                            "not a column of the table (columns: {})",
                            columns.join(", ")
                        )
                    },
                });
            };
            parts.push(format!(
                "\"{}\" {}",
                col.replace('"', "\"\""),
                if desc { "desc" } else { "asc" }
            ));
        }
        Ok(OrderBy {
            sql: parts.join(", "),
        })
    }
    pub fn sql(&self) -> &str {
        &self.sql
    }
}

/// What an update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateOutcome {
    Updated,
    /// The row already held this form (same `hash_code`): nothing written, no journal row,
    /// `updated_at` unchanged.
    Unchanged,
    NotFound,
}

/// What an upsert did, with the row's primary key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpsertOutcome<K> {
    Inserted(K),
    Updated(K),
    /// The row already held this form: nothing written.
    Unchanged,
}

impl<K> UpsertOutcome<K>
where
    K: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    /// The outcome an upsert statement returned: column 0 the key, column 1 whether the row was
    /// inserted; both null (a batch's input row that wrote nothing) is `Unchanged`.
    pub fn of_row(row: &PgRow) -> Result<UpsertOutcome<K>> {
        use sqlx::Row as _;
        let key: Option<K> = row.try_get(0usize)?;
        let inserted: Option<bool> = row.try_get(1usize)?;
        Ok(match (key, inserted) {
            (Some(k), Some(true)) => UpsertOutcome::Inserted(k),
            (Some(k), _) => UpsertOutcome::Updated(k),
            (None, _) => UpsertOutcome::Unchanged,
        })
    }
}

/// A generated table as the generic helpers below see it: its row, key and filter types, and
/// the SQL every read starts from. Generated code implements it on `<Table>Table`; the helpers
/// ([`find_all`], [`find_page_after`], [`Pager`]) hold the bodies that are the same for every
/// table, so the generated DAO keeps only what differs (statements and bind lists).
pub trait Table {
    /// A row, every column, read by position in [`Table::COLUMNS`] order.
    type Row: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin;
    /// The primary key's value.
    type Key: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Clone;
    /// The filter of `find_all` (the primary key and indexed columns only).
    type Filter: Filter;
    /// Every column, in table order.
    const COLUMNS: &'static [&'static str];
    /// The primary-key column.
    const PKEY: &'static str;
    /// `select <every column, in order> from <table>`, no condition.
    const SELECT: &'static str;
    /// The primary key of a row.
    fn key(row: &Self::Row) -> Self::Key;
}

/// The conditions of a filter, appended to a query after `where true` (each one ` and …`).
pub trait Filter {
    fn push(&self, qb: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>);
}

/// A column name as a quoted SQL identifier (`"na""me"`).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// ` and <column> = $n` when the filter field is set. `column` is a quoted identifier from the
/// spec; the value is a bind parameter.
pub fn push_eq<'a, V>(qb: &mut sqlx::QueryBuilder<'a, sqlx::Postgres>, column: &str, v: &Option<V>)
where
    V: Clone + 'a + sqlx::Encode<'a, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    if let Some(v) = v {
        qb.push(" and ")
            .push(column)
            .push(" = ")
            .push_bind(v.clone());
    }
}

/// ` and <column> = any($n)` (one array parameter) when the filter field is set.
pub fn push_any<'a, V>(
    qb: &mut sqlx::QueryBuilder<'a, sqlx::Postgres>,
    column: &str,
    v: &Option<Vec<V>>,
) where
    Vec<V>: Clone + 'a + sqlx::Encode<'a, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    if let Some(v) = v {
        qb.push(" and ")
            .push(column)
            .push(" = any(")
            .push_bind(v.clone())
            .push(")");
    }
}

/// `find_all` of every generated DAO: rows matching `filter`, ordered by `order_by`
/// (`-created_at,email`, validated against the table's columns) or the primary key, at most
/// `limit` (required) after `offset`.
pub async fn find_all<T: Table>(
    conn: &mut PgConnection,
    filter: &T::Filter,
    limit: i64,
    offset: i64,
    order_by: Option<&str>,
) -> Result<Vec<T::Row>> {
    check_limit(limit, offset)?;
    let order = OrderBy::parse(order_by.unwrap_or(T::PKEY), T::COLUMNS)?;
    let mut qb = sqlx::QueryBuilder::new(T::SELECT);
    qb.push(" where true");
    filter.push(&mut qb);
    qb.push(" order by ").push(order.sql());
    qb.push(" limit ").push_bind(limit);
    qb.push(" offset ").push_bind(offset);
    Ok(qb.build_query_as::<T::Row>().fetch_all(&mut *conn).await?)
}

/// One keyset page: rows matching `filter` with a primary key after `after` (all when `None`),
/// in primary-key order, at most `limit`.
pub async fn find_page_after<T: Table>(
    conn: &mut PgConnection,
    filter: &T::Filter,
    after: Option<T::Key>,
    limit: i64,
) -> Result<Vec<T::Row>> {
    check_limit(limit, 0)?;
    let pkey = quote_ident(T::PKEY);
    let mut qb = sqlx::QueryBuilder::new(T::SELECT);
    match after {
        Some(a) => {
            qb.push(" where ").push(&pkey).push(" > ").push_bind(a);
        }
        None => {
            qb.push(" where true");
        }
    }
    filter.push(&mut qb);
    qb.push(" order by ")
        .push(&pkey)
        .push(" limit ")
        .push_bind(limit);
    Ok(qb.build_query_as::<T::Row>().fetch_all(&mut *conn).await?)
}

/// Keyset iteration over every row matching a filter, in primary-key order (`iterate_all`):
/// no row missed or repeated while rows are only added after the last page read.
pub struct Pager<T: Table> {
    filter: T::Filter,
    page_size: i64,
    after: Option<T::Key>,
    done: bool,
}

impl<T: Table> Pager<T> {
    pub fn new(filter: T::Filter, page_size: i64) -> Pager<T> {
        Pager {
            filter,
            page_size,
            after: None,
            done: false,
        }
    }

    /// The next page (`None` once every row was returned).
    pub async fn next_page(&mut self, conn: &mut PgConnection) -> Result<Option<Vec<T::Row>>> {
        if self.done {
            return Ok(None);
        }
        let rows =
            find_page_after::<T>(conn, &self.filter, self.after.clone(), self.page_size).await?;
        if (rows.len() as i64) < self.page_size {
            self.done = true;
        }
        match rows.last() {
            Some(last) => self.after = Some(T::key(last)),
            None => return Ok(None),
        }
        Ok(Some(rows))
    }
}

impl<T: Table> Clone for Pager<T>
where
    T::Filter: Clone,
{
    fn clone(&self) -> Self {
        Pager {
            filter: self.filter.clone(),
            page_size: self.page_size,
            after: self.after.clone(),
            done: self.done,
        }
    }
}

impl<T: Table> fmt::Debug for Pager<T>
where
    T::Filter: fmt::Debug,
    T::Key: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("filter", &self.filter)
            .field("page_size", &self.page_size)
            .field("after", &self.after)
            .field("done", &self.done)
            .finish()
    }
}

/// A typed statement with its bound parameters (a finder's).
pub type QueryAs<'q, O> = sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>;

/// The row a finder's statement returns, if any.
pub async fn fetch_optional<'q, O>(conn: &mut PgConnection, q: QueryAs<'q, O>) -> Result<Option<O>>
where
    O: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
{
    Ok(q.fetch_optional(&mut *conn).await?)
}

/// The rows a finder's statement returns.
pub async fn fetch_all<'q, O>(conn: &mut PgConnection, q: QueryAs<'q, O>) -> Result<Vec<O>>
where
    O: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
{
    Ok(q.fetch_all(&mut *conn).await?)
}

/// Runs a write; the number of rows it wrote.
pub async fn execute(conn: &mut PgConnection, q: Query<'_>) -> Result<u64> {
    Ok(q.execute(&mut *conn).await?.rows_affected())
}

/// The outcome of an update that wrote `written` rows: `Updated`, or else `Unchanged` when
/// `exists` (a `select 1` of the live row, for tables with `hash_code`) finds the row and
/// `NotFound` when it does not (always `NotFound` without `exists`).
pub async fn update_outcome(
    conn: &mut PgConnection,
    written: u64,
    exists: Option<Query<'_>>,
) -> Result<UpdateOutcome> {
    if written > 0 {
        return Ok(UpdateOutcome::Updated);
    }
    let Some(exists) = exists else {
        return Ok(UpdateOutcome::NotFound);
    };
    Ok(match exists.fetch_optional(&mut *conn).await? {
        Some(_) => UpdateOutcome::Unchanged,
        None => UpdateOutcome::NotFound,
    })
}

/// Runs the update of a table with `hash_code`: one statement whose row holds the number of rows
/// written (0 when the row already held the form) and the number of live rows with the key (read
/// in the statement's snapshot): `Updated`, `Unchanged` or `NotFound`, in one round trip.
pub async fn update_hashed(conn: &mut PgConnection, q: Query<'_>) -> Result<UpdateOutcome> {
    use sqlx::Row as _;
    let row = one_row(conn, q).await?;
    let (written, found): (i64, i64) = (row.try_get(0usize)?, row.try_get(1usize)?);
    Ok(if written > 0 {
        UpdateOutcome::Updated
    } else if found > 0 {
        UpdateOutcome::Unchanged
    } else {
        UpdateOutcome::NotFound
    })
}

/// Runs the update of a table without `hash_code` (every update writes): `Updated` or `NotFound`.
pub async fn update_plain(conn: &mut PgConnection, q: Query<'_>) -> Result<UpdateOutcome> {
    let written = execute(conn, q).await?;
    update_outcome(conn, written, None).await
}

/// Runs a single-row upsert (returning the key and whether it inserted; no row: unchanged).
pub async fn upsert<K>(conn: &mut PgConnection, q: Query<'_>) -> Result<UpsertOutcome<K>>
where
    K: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    match q.fetch_optional(&mut *conn).await? {
        None => Ok(UpsertOutcome::Unchanged),
        Some(row) => UpsertOutcome::of_row(&row),
    }
}

/// Runs a batch upsert: one outcome per input row, in input order.
pub async fn upsert_batch<K>(conn: &mut PgConnection, q: Query<'_>) -> Result<Vec<UpsertOutcome<K>>>
where
    K: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(UpsertOutcome::of_row).collect()
}

/// `erase_personal_data_by_<pkey>`: in one (nested) transaction, blanks the row (`row`; false
/// and nothing else when it matches no row), its journal history (`journal`) and records the
/// erasure (`record`, into `journal.erasures`).
pub async fn erase(
    conn: &mut PgConnection,
    row: Query<'_>,
    journal: Query<'_>,
    record: Query<'_>,
) -> Result<bool> {
    use sqlx::Connection as _;
    let mut tx = conn.begin().await?;
    if row.execute(&mut *tx).await?.rows_affected() == 0 {
        return Ok(false);
    }
    journal.execute(&mut *tx).await?;
    record.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// A column value type of generated forms: checked, hashed ([`HashCode`]), bound as a
/// parameter and, in batches, as an array (`unnest`). Implemented for every type a form column
/// has (`String`, `i32`, `i64`, `f64`, `bool`, [`Uuid`], [`Timestamp`], [`Date`], [`Decimal`],
/// [`Json`]) and `Option` of each.
pub trait Value:
    HashCode
    + for<'q> sqlx::Encode<'q, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
    + sqlx::postgres::PgHasArrayType
    + Clone
    + Send
    + Sync
    + 'static
{
    /// Refuses what the column's database check refuses, before any SQL runs: text that is
    /// empty, blank or untrimmed ([`check_text`]); every other value passes.
    fn check(&self, column: &'static str) -> Result<()> {
        let _ = column;
        Ok(())
    }
}

impl Value for String {
    fn check(&self, column: &'static str) -> Result<()> {
        check_text(column, self)
    }
}

impl<T: Value> Value for Option<T> {
    fn check(&self, column: &'static str) -> Result<()> {
        self.as_ref().map_or(Ok(()), |v| v.check(column))
    }
}

macro_rules! plain_values {
    ($($t:ty),*) => { $(impl Value for $t {})* };
}
plain_values!(
    i32,
    i64,
    f64,
    bool,
    uuid::Uuid,
    Timestamp,
    Date,
    rust_decimal::Decimal,
    serde_json::Value
);

/// What visits a form's columns ([`Form::columns`]): the checks, the hash and the binds below.
pub trait Columns<'q> {
    /// One column: its name (for errors) and its value.
    fn column<T: Value>(&mut self, name: &'static str, value: &'q T);
}

/// A generated form (the caller-supplied columns of a table). Its one generated method lists the
/// columns in declaration order; validation, the stable hash and the parameters of every write
/// ([`bind`], [`bind_batch`]) are the generic functions of this module, one pass each.
pub trait Form: Sync {
    /// Whether the table stores `hash_code`: bound after the columns.
    const HASH_CODE: bool;
    /// Visits every column, in declaration order (the order of every write's parameters).
    fn columns<'q, C: Columns<'q>>(&'q self, c: &mut C);
}

/// The first column a check refuses.
struct Check(Result<()>);

impl Columns<'_> for Check {
    fn column<T: Value>(&mut self, name: &'static str, value: &T) {
        if self.0.is_ok() {
            self.0 = value.check(name);
        }
    }
}

impl Columns<'_> for StableHasher {
    fn column<T: Value>(&mut self, _name: &'static str, value: &T) {
        value.hash_code(self);
    }
}

/// Refuses empty, blank and untrimmed text in any column of `form` (the first one found).
pub fn validate<F: Form>(form: &F) -> Result<()> {
    let mut c = Check(Ok(()));
    form.columns(&mut c);
    c.0
}

/// The stable hash of a form (module docs, "hash_code"): its columns in declaration order.
pub fn hash_code<F: Form>(form: &F) -> i64 {
    let mut h = StableHasher::new();
    form.columns(&mut h);
    h.finish()
}

/// One row's parameters, in one pass over the columns: each is checked, hashed and bound (by
/// reference, nothing copied; `try_bind` encodes in place, where `bind` would move the query in
/// and out for every column).
struct RowBinds<'q> {
    q: Query<'q>,
    check: Check,
    hash: StableHasher,
    /// The first value that failed to encode.
    encode: Option<sqlx::error::BoxDynError>,
}

impl<'q> Columns<'q> for RowBinds<'q> {
    fn column<T: Value>(&mut self, name: &'static str, value: &'q T) {
        self.check.column(name, value);
        value.hash_code(&mut self.hash);
        if let Err(e) = self.q.try_bind(value) {
            self.encode.get_or_insert(e);
        }
    }
}

/// Binds `form` after the parameters `q` holds: its columns, then `hash_code` when the table has
/// it. A refused column is an error and no SQL runs.
pub fn bind<'q, F: Form>(q: Query<'q>, form: &'q F) -> Result<Query<'q>> {
    let mut b = RowBinds {
        q,
        check: Check(Ok(())),
        hash: StableHasher::new(),
        encode: None,
    };
    form.columns(&mut b);
    b.check.0?;
    if let Some(e) = b.encode {
        return Err(DaoError::Database(sqlx::Error::Encode(e)));
    }
    let q = b.q;
    Ok(if F::HASH_CODE {
        q.bind(b.hash.finish())
    } else {
        q
    })
}

/// One array parameter of a batch, whatever its element type.
trait Array: Send {
    fn as_any(&mut self) -> &mut dyn std::any::Any;
    fn bind<'q>(self: Box<Self>, q: Query<'q>) -> Query<'q>;
}

impl<T: Value> Array for Vec<T> {
    fn as_any(&mut self) -> &mut dyn std::any::Any {
        self
    }
    fn bind<'q>(self: Box<Self>, q: Query<'q>) -> Query<'q> {
        q.bind(*self)
    }
}

/// The columns of a batch, one array each, filled form after form.
struct Arrays {
    arrays: Vec<Box<dyn Array>>,
    rows: usize,
    next: usize,
    check: Check,
    /// The hash of the current form, when the table has `hash_code`.
    hash: Option<StableHasher>,
}

impl Columns<'_> for Arrays {
    fn column<T: Value>(&mut self, name: &'static str, value: &T) {
        self.check.column(name, value);
        if let Some(h) = &mut self.hash {
            value.hash_code(h);
        }
        if self.next == self.arrays.len() {
            self.arrays
                .push(Box::new(Vec::<T>::with_capacity(self.rows)));
        }
        self.arrays[self.next]
            .as_any()
            .downcast_mut::<Vec<T>>()
            .expect("a form visits the same columns in the same order")
            .push(value.clone());
        self.next += 1;
    }
}

/// Binds a batch after the parameters `q` holds: one array per column (for `unnest`), then the
/// array of hash codes when the table has them. Every form is checked first: one refused form is
/// an error and no SQL runs.
pub fn bind_batch<'q, F: Form>(q: Query<'q>, forms: &[F]) -> Result<Query<'q>> {
    let mut a = Arrays {
        arrays: Vec::new(),
        rows: forms.len(),
        next: 0,
        check: Check(Ok(())),
        hash: None,
    };
    let mut hashes = Vec::with_capacity(if F::HASH_CODE { forms.len() } else { 0 });
    for form in forms {
        a.next = 0;
        if F::HASH_CODE {
            a.hash = Some(StableHasher::new());
        }
        form.columns(&mut a);
        std::mem::replace(&mut a.check.0, Ok(()))?;
        if let Some(h) = a.hash.take() {
            hashes.push(h.finish());
        }
    }
    let q = a.arrays.into_iter().fold(q, |q, array| array.bind(q));
    Ok(if F::HASH_CODE { q.bind(hashes) } else { q })
}

/// `n` new primary keys from `new` (a batch's generated keys).
pub fn keys<K>(n: usize, new: impl FnMut() -> K) -> Vec<K> {
    std::iter::repeat_with(new).take(n).collect()
}

/// Runs an insert returning the (database-generated) primary key as its first column.
pub async fn fetch_key<K>(conn: &mut PgConnection, q: Query<'_>) -> Result<K>
where
    K: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    use sqlx::Row as _;
    Ok(one_row(conn, q).await?.try_get(0usize)?)
}

/// The one row a statement returns. `Query::fetch_one` goes through sqlx's default
/// `Executor::fetch_one`, which wraps `fetch_optional` in a second boxed future (`and_then`):
/// ~300 instructions and an allocation per call that `query_as(..).fetch_one` (what hand-written
/// code uses) does not pay. This is `fetch_optional` itself.
async fn one_row(conn: &mut PgConnection, q: Query<'_>) -> Result<PgRow> {
    Ok(q.fetch_optional(&mut *conn)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?)
}

/// Runs a batch insert returning the (database-generated) primary keys, in input order.
pub async fn fetch_keys<K>(conn: &mut PgConnection, q: Query<'_>) -> Result<Vec<K>>
where
    K: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    use sqlx::Row as _;
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok(r.try_get(0usize)?)).collect()
}

/// ` and <column> = $n` and ` and <column> = any($m)` for the two filter fields of one column
/// ([`push_eq`], [`push_any`]), each when set.
pub fn push_column<'a, V>(
    qb: &mut sqlx::QueryBuilder<'a, sqlx::Postgres>,
    column: &str,
    eq: &Option<V>,
    any: &Option<Vec<V>>,
) where
    V: Clone + 'a + sqlx::Encode<'a, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    Vec<V>: Clone + 'a + sqlx::Encode<'a, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    push_eq(qb, column, eq);
    push_any(qb, column, any);
}

/// A random UUID (v4) primary key.
pub fn new_uuid() -> uuid::Uuid {
    uuid::Uuid::new_v4()
}

/// `<prefix>-<32 hex digits>` from a random UUID (Flow's IdGenerator format).
pub fn prefixed_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// 64-bit FNV-1a over the canonical encoding described in the module docs.
#[derive(Clone, Debug)]
pub struct StableHasher {
    state: u64,
}

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher {
            state: 0xcbf2_9ce4_8422_2325,
        }
    }
}

impl StableHasher {
    pub fn new() -> StableHasher {
        StableHasher::default()
    }
    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.state ^= u64::from(*b);
            self.state = self.state.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    /// One null column.
    pub fn null(&mut self) {
        self.bytes(&[0]);
    }
    /// One non-null column with its encoding.
    pub fn value(&mut self, encoded: &[u8]) {
        self.bytes(&[1]);
        self.bytes(&(encoded.len() as u64).to_le_bytes());
        self.bytes(encoded);
    }
    pub fn column<T: HashCode + ?Sized>(&mut self, v: &T) {
        v.hash_code(self);
    }
    pub fn finish(&self) -> i64 {
        self.state as i64
    }
}

/// A column value's contribution to the stable hash.
pub trait HashCode {
    fn hash_code(&self, h: &mut StableHasher);
}

impl HashCode for str {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(self.as_bytes())
    }
}
impl HashCode for String {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(self.as_bytes())
    }
}
impl HashCode for i32 {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(&i64::from(*self).to_le_bytes())
    }
}
impl HashCode for i64 {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(&self.to_le_bytes())
    }
}
impl HashCode for f64 {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(&self.to_bits().to_le_bytes())
    }
}
impl HashCode for bool {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(&[u8::from(*self)])
    }
}
impl HashCode for uuid::Uuid {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(self.as_bytes())
    }
}
impl HashCode for chrono::DateTime<chrono::Utc> {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(&self.timestamp_micros().to_le_bytes())
    }
}
impl HashCode for chrono::NaiveDate {
    fn hash_code(&self, h: &mut StableHasher) {
        use chrono::Datelike;
        h.value(&i64::from(self.num_days_from_ce() - 1).to_le_bytes())
    }
}
impl HashCode for rust_decimal::Decimal {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(self.normalize().to_string().as_bytes())
    }
}
impl HashCode for serde_json::Value {
    fn hash_code(&self, h: &mut StableHasher) {
        h.value(self.to_string().as_bytes())
    }
}
impl<T: HashCode> HashCode for Option<T> {
    fn hash_code(&self, h: &mut StableHasher) {
        match self {
            Some(v) => v.hash_code(h),
            None => h.null(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_code_test_vector() {
        // FNV-1a of the empty input is the offset basis.
        assert_eq!(StableHasher::new().finish() as u64, 0xcbf2_9ce4_8422_2325);
        // The published FNV-1a 64 vector for "a".
        let mut a = StableHasher::new();
        a.bytes(b"a");
        assert_eq!(a.finish() as u64, 0xaf63_dc4c_8601_ec8c);
        let mut h = StableHasher::new();
        h.column("ada@example.com");
        h.column(&Some(42i32));
        h.column(&None::<String>);
        h.column(&true);
        h.column(&uuid::Uuid::from_u128(
            0x0123_4567_89ab_cdef_0123_4567_89ab_cdef,
        ));
        // Pinned (and recomputed independently from the documented encoding): must never change,
        // or every stored hash code would become stale.
        assert_eq!(h.finish(), -914_695_653_952_679_279);
    }

    /// A form as generated code writes it: the columns of the pinned vector above.
    struct Sample {
        email: String,
        age: Option<i32>,
        nickname: Option<String>,
        active: bool,
        id: uuid::Uuid,
    }

    impl Form for Sample {
        const HASH_CODE: bool = true;
        fn columns<'q, C: Columns<'q>>(&'q self, c: &mut C) {
            c.column("email", &self.email);
            c.column("age", &self.age);
            c.column("nickname", &self.nickname);
            c.column("active", &self.active);
            c.column("id", &self.id);
        }
    }

    fn sample() -> Sample {
        Sample {
            email: "ada@example.com".into(),
            age: Some(42),
            nickname: None,
            active: true,
            id: uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        }
    }

    #[test]
    fn a_form_hashes_as_its_columns_do() {
        // The generic path (`Form::columns`) gives the pinned value of the hasher's own vector.
        assert_eq!(hash_code(&sample()), -914_695_653_952_679_279);
    }

    #[test]
    fn forms_are_checked_column_by_column_before_any_sql() {
        assert!(validate(&sample()).is_ok());
        let mut bad = sample();
        bad.nickname = Some(" ada".into());
        assert!(matches!(
            validate(&bad),
            Err(DaoError::UntrimmedString { column: "nickname" })
        ));
        bad.email = String::new();
        // The first refused column is the one reported.
        assert!(matches!(
            validate(&bad),
            Err(DaoError::EmptyString { column: "email" })
        ));
        fn q<'q>() -> Query<'q> {
            sqlx::query("select 1")
        }
        assert!(bind(q(), &bad).is_err());
        assert!(bind_batch(q(), &[sample(), bad]).is_err());
        assert!(bind(q(), &sample()).is_ok());
        assert!(bind_batch(q(), &[sample(), sample()]).is_ok());
        assert_eq!(keys(3, || 7).len(), 3);
    }

    #[test]
    fn text_checks() {
        for good in ["ada", "a", "é", "a b", "ada\u{301}", "日本"] {
            assert!(check_text("c", good).is_ok(), "{good:?}");
        }
        for blank in ["", " ", "\t\n", "\u{a0}", "\u{3000} \u{2028}"] {
            assert!(
                matches!(
                    check_text("c", blank),
                    Err(DaoError::EmptyString { column: "c" })
                ),
                "{blank:?}"
            );
        }
        for untrimmed in [" ada", "ada ", "ada\n", "\u{a0}ada", "ada\u{3000}", " a "] {
            assert!(
                matches!(
                    check_text("c", untrimmed),
                    Err(DaoError::UntrimmedString { column: "c" })
                ),
                "{untrimmed:?}"
            );
        }
        assert!(check_opt_text("c", None).is_ok());
    }

    #[test]
    fn order_by_is_built_from_known_columns_only() {
        let cols = &["guid", "email", "created_at"];
        assert_eq!(
            OrderBy::parse("-created_at, email", cols).unwrap().sql(),
            "\"created_at\" desc, \"email\" asc"
        );
        for bad in [
            "",
            "name",
            "email; drop table users",
            "email desc",
            "lower(email)",
            "-",
            "email,",
        ] {
            assert!(OrderBy::parse(bad, cols).is_err(), "{bad:?}");
        }
    }
}
