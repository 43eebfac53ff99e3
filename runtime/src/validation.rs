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
            format!("`{}` is not a valid value of `{field}`", value.as_str()),
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
            format!("`{}` is not a valid value of `{field}`", value.as_str()),
        ))
    }
}
