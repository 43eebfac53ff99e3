//! Request validation shared by generated servers and mock clients: the error body of a rejected
//! request and the checks of `minimum`/`maximum` and enum values. A mock answers a call the real
//! server would reject with the same status and body.

use serde::Serialize;

/// The JSON body of a rejected request: which field, and why. Status 400 for malformed parameters
/// and bodies, 422 for well-formed values outside the spec (enums, minimum, maximum).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ValidationError {
    pub code: String,
    pub field: String,
    pub message: String,
    #[serde(skip)]
    pub status: u16,
}

impl ValidationError {
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        ValidationError {
            code: "invalid_request".into(),
            field: field.into(),
            message: message.into(),
            status: 400,
        }
    }
    pub fn unprocessable(field: &str, message: impl Into<String>) -> Self {
        ValidationError {
            code: "invalid_value".into(),
            field: field.into(),
            message: message.into(),
            status: 422,
        }
    }
}

/// Checks `minimum`/`maximum` of a numeric value (integers and longs as `i64`, doubles as `f64`).
pub fn range<T: Copy + Into<f64>>(
    field: &str,
    value: T,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<T, ValidationError> {
    let v: f64 = value.into();
    if let Some(m) = min {
        if v < m as f64 {
            return Err(ValidationError::unprocessable(
                field,
                format!("`{field}` must be at least {m}"),
            ));
        }
    }
    if let Some(m) = max {
        if v > m as f64 {
            return Err(ValidationError::unprocessable(
                field,
                format!("`{field}` must be at most {m}"),
            ));
        }
    }
    Ok(value)
}

/// Checks `minimum`/`maximum` of a long.
pub fn range_long(
    field: &str,
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<i64, ValidationError> {
    if min.is_some_and(|m| value < m) || max.is_some_and(|m| value > m) {
        return Err(ValidationError::unprocessable(
            field,
            format!(
                "`{field}` must be between {} and {}",
                min.unwrap_or(i64::MIN),
                max.unwrap_or(i64::MAX)
            ),
        ));
    }
    Ok(value)
}

/// Checks `minimum`/`maximum` of a string length or collection size.
pub fn size(
    field: &str,
    n: usize,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), ValidationError> {
    let n = n as i64;
    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
        return Err(ValidationError::unprocessable(
            field,
            format!(
                "the length of `{field}` must be between {} and {}",
                min.unwrap_or(0),
                max.unwrap_or(i64::MAX)
            ),
        ));
    }
    Ok(())
}

/// Rejects the `Unknown` value of an enum (requests must use the values the spec lists).
pub fn known<T: crate::WireEnum>(field: &str, value: T) -> Result<T, ValidationError> {
    if value.is_known() {
        Ok(value)
    } else {
        Err(ValidationError::unprocessable(
            field,
            format!("`{field}` must be one of the values the spec lists"),
        ))
    }
}

/// [`known`] on a borrowed value.
pub fn check_known<T: crate::WireEnum>(field: &str, value: &T) -> Result<(), ValidationError> {
    if value.is_known() {
        Ok(())
    } else {
        Err(ValidationError::unprocessable(
            field,
            format!("`{field}` must be one of the values the spec lists"),
        ))
    }
}

impl ValidationError {
    /// The same error for a field of the value at `path`: `quantity` inside `items[0]` becomes
    /// `items[0].quantity`, in `field` and in the message.
    pub fn within(mut self, path: &Path<'_>) -> Self {
        if matches!(path, Path::Root) {
            return self;
        }
        let full = Path::Field(path, &self.field).to_string();
        self.message = self
            .message
            .replace(&format!("`{}`", self.field), &format!("`{full}`"));
        self.field = full;
        self
    }
}

/// Where a value sits in a request body, built on the stack while validating nested values and
/// turned into text (`items[0].quantity`) only when a check fails.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// The body itself (its fields are named plainly: `quantity`).
    Root,
    /// A named field (or form parameter) of the value at the inner path.
    Field(&'a Path<'a>, &'a str),
    /// An element of the list at the inner path.
    Index(&'a Path<'a>, usize),
    /// A value of the map at the inner path.
    Key(&'a Path<'a>, &'a str),
}

impl Path<'_> {
    /// Checks `minimum`/`maximum` of the field `name` (its wire name) of the value at this path:
    /// what a generated `Validate` impl writes per bounded field.
    pub fn bounds<T: Measured + ?Sized>(
        &self,
        name: &str,
        value: &T,
        min: Option<i64>,
        max: Option<i64>,
    ) -> Result<(), ValidationError> {
        bounds(value, &Path::Field(self, name), min, max)
    }

    /// Checks the field `name` (its wire name) of the value at this path as its own type: what
    /// a generated `Validate` impl writes per field whose type has checks.
    pub fn check<T: Validate + ?Sized>(
        &self,
        name: &str,
        value: &T,
    ) -> Result<(), ValidationError> {
        value.validate(&Path::Field(self, name))
    }
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(p, name) => write!(f, "{p}.{name}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
            Path::Key(p, k) => write!(f, "{p}[{k:?}]"),
        }
    }
}

/// Checks of a value of a generated type, emitted once per type (`impl Validate` next to the type)
/// and shared by the generated server and the mock client: enum values the spec lists, union
/// members it knows, and `minimum`/`maximum` of every field at any depth (through lists, maps,
/// options, boxes, imported models and union members). The default method accepts everything:
/// types with nothing to check implement the trait with an empty body.
pub trait Validate {
    /// Checks the value found at `at` (used to name the offending field in the error).
    fn validate(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        let _ = at;
        Ok(())
    }
}

macro_rules! nothing_to_check {
    ($($t:ty),* $(,)?) => { $(impl Validate for $t {})* };
}

nothing_to_check!(
    bool,
    i32,
    i64,
    f64,
    str,
    String,
    (),
    serde_json::Value,
    rust_decimal::Decimal,
    uuid::Uuid,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>,
);

impl<T: Validate + ?Sized> Validate for &T {
    fn validate(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        T::validate(self, at)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        T::validate(self, at)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        match self {
            Some(v) => v.validate(at),
            None => Ok(()),
        }
    }
}

impl<T: Validate> Validate for [T] {
    fn validate(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        for (i, v) in self.iter().enumerate() {
            v.validate(&Path::Index(at, i))?;
        }
        Ok(())
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        self.as_slice().validate(at)
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        for (k, v) in self {
            v.validate(&Path::Key(at, k))?;
        }
        Ok(())
    }
}

/// What `minimum`/`maximum` bound on a value (API Builder's documented meaning): the value of a
/// number, the length of a string (in characters), the size of a list or map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Measure {
    Length(usize),
    Number(f64),
    Long(i64),
    /// An absent optional value: nothing to bound.
    Absent,
}

/// A value `minimum`/`maximum` apply to.
pub trait Measured {
    fn measure(&self) -> Measure;
}

impl Measured for str {
    fn measure(&self) -> Measure {
        Measure::Length(self.chars().count())
    }
}
impl Measured for String {
    fn measure(&self) -> Measure {
        self.as_str().measure()
    }
}
impl Measured for i32 {
    fn measure(&self) -> Measure {
        Measure::Number(f64::from(*self))
    }
}
impl Measured for f64 {
    fn measure(&self) -> Measure {
        Measure::Number(*self)
    }
}
impl Measured for i64 {
    fn measure(&self) -> Measure {
        Measure::Long(*self)
    }
}
impl<T> Measured for [T] {
    fn measure(&self) -> Measure {
        Measure::Length(self.len())
    }
}
impl<T> Measured for Vec<T> {
    fn measure(&self) -> Measure {
        Measure::Length(self.len())
    }
}
impl<T> Measured for std::collections::BTreeMap<String, T> {
    fn measure(&self) -> Measure {
        Measure::Length(self.len())
    }
}
impl<T: Measured + ?Sized> Measured for &T {
    fn measure(&self) -> Measure {
        T::measure(self)
    }
}
impl<T: Measured + ?Sized> Measured for Box<T> {
    fn measure(&self) -> Measure {
        T::measure(self)
    }
}
impl<T: Measured> Measured for Option<T> {
    fn measure(&self) -> Measure {
        self.as_ref().map_or(Measure::Absent, T::measure)
    }
}

/// The name of the value at `at` in an error (`body` for the body itself).
fn name_of(at: &Path<'_>) -> String {
    match at {
        Path::Root => "body".to_owned(),
        p => p.to_string(),
    }
}

/// Checks `minimum`/`maximum` of the value at `at`: 422 naming the field when outside.
pub fn bounds<T: Measured + ?Sized>(
    value: &T,
    at: &Path<'_>,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), ValidationError> {
    let field = || name_of(at);
    match value.measure() {
        Measure::Absent => Ok(()),
        Measure::Length(n) => size(&field(), n, min, max),
        Measure::Number(v) => range(&field(), v, min, max).map(drop),
        Measure::Long(v) => range_long(&field(), v, min, max).map(drop),
    }
}

/// Rejects the `Unknown` value of an enum at `at`: 422 naming the field.
pub fn known_at<T: crate::WireEnum>(value: &T, at: &Path<'_>) -> Result<(), ValidationError> {
    check_known(&name_of(at), value)
}

/// The service's required headers (those without a default) are present and text: a missing
/// one is a 400 naming it, as a missing required parameter is. Called by generated servers on
/// every request and by generated mocks on every call (`checks::service_headers`).
pub fn required_headers(headers: &http::HeaderMap, names: &[&str]) -> Result<(), ValidationError> {
    for name in names {
        match headers.get(*name).map(|v| v.to_str()) {
            None => {
                return Err(ValidationError::bad_request(
                    name,
                    format!("header `{name}` is required"),
                ))
            }
            Some(Err(_)) => {
                return Err(ValidationError::bad_request(
                    name,
                    format!("header `{name}` is not text"),
                ))
            }
            Some(Ok(_)) => {}
        }
    }
    Ok(())
}

/// Rejects a union member the spec does not list (the `Unknown` variant) at `at`.
pub fn unknown_member(at: &Path<'_>) -> ValidationError {
    let field = name_of(at);
    ValidationError::unprocessable(
        &field,
        format!("`{field}` must be one of the types the spec lists"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_headers_are_present_and_text() {
        let mut h = http::HeaderMap::new();
        let e = required_headers(&h, &["x-tenant"]).unwrap_err();
        assert_eq!((e.status, e.field.as_str()), (400, "x-tenant"));
        assert_eq!(e.message, "header `x-tenant` is required");
        h.insert("X-Tenant", http::HeaderValue::from_static("acme"));
        assert_eq!(required_headers(&h, &["x-tenant"]), Ok(()));
        h.insert(
            "x-b",
            http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
        );
        let e = required_headers(&h, &["x-tenant", "x-b"]).unwrap_err();
        assert_eq!(e.message, "header `x-b` is not text");
    }

    #[test]
    fn bounds_name_the_full_path() {
        let root = Path::Root;
        let items = Path::Field(&root, "items");
        let first = Path::Index(&items, 0);
        let at = Path::Field(&first, "name");
        let e = bounds("TOOLONG", &at, Some(3), Some(3)).unwrap_err();
        assert_eq!((e.status, e.field.as_str()), (422, "items[0].name"));
        assert!(bounds(&Some(5i32), &Path::Field(&root, "n"), None, Some(4)).is_err());
        assert!(bounds(&None::<i32>, &Path::Field(&root, "n"), None, Some(4)).is_ok());
        assert!(bounds(&vec![1, 2][..], &root, Some(3), None).is_err());
        assert_eq!(unknown_member(&root).field, "body");
    }

    #[test]
    fn containers_validate_their_elements_with_their_position() {
        struct Odd(i32);
        impl Validate for Odd {
            fn validate(&self, at: &Path<'_>) -> Result<(), ValidationError> {
                bounds(&self.0, at, Some(1), None)
            }
        }
        let root = Path::Root;
        let e = vec![Odd(1), Odd(0)].validate(&root).unwrap_err();
        assert_eq!(e.field, "[1]");
        let m = std::collections::BTreeMap::from([("k".to_owned(), Odd(0))]);
        assert_eq!(
            m.validate(&Path::Field(&root, "m")).unwrap_err().field,
            "m[\"k\"]"
        );
        assert!(Some(Box::new(Odd(2))).validate(&root).is_ok());
    }
}
