//! Sorting (RFC 7644 §3.4.2.3): `sortBy` names an attribute, `sortOrder` is `ascending` (the
//! default) or `descending`.
//!
//! A multi-valued attribute sorts by its `primary` element, else its first (§3.4.2.3). Strings
//! compare case-insensitively unless `caseExact` (Unicode lowercase, code point order, no locale),
//! numbers numerically, booleans `false < true`. A resource without a value sorts after every
//! resource with one when ascending, and so before them when descending (the whole order is
//! reversed, as with LDAP server-side sorting, RFC 2891). Values of different JSON types order by
//! type (boolean, number, string, then anything else), so the order is total and the sort stable.

use super::filter::{num_cmp, str_cmp};
use super::path::{AttrPath, get_ci};
use serde_json::Value;
use std::cmp::Ordering;

/// `sortOrder`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Smallest first, missing values last. The default.
    #[default]
    Ascending,
    /// The reverse of [`SortOrder::Ascending`].
    Descending,
}

impl SortOrder {
    /// `ascending` / `descending`, case-insensitively; anything else is `None` (a server answers
    /// `400 invalidValue`).
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("ascending") {
            Some(SortOrder::Ascending)
        } else if text.eq_ignore_ascii_case("descending") {
            Some(SortOrder::Descending)
        } else {
            None
        }
    }
}

/// The value a resource sorts by: the attribute (or sub-attribute); for a multi-valued attribute,
/// the `primary` element's, else the first element's (for complex elements without
/// sub-attribute, their `value`). Null counts as missing.
pub fn sort_key<'a>(resource: &'a Value, by: &AttrPath) -> Option<&'a Value> {
    let attr = by.attribute(resource)?;
    let pick = |item: &'a Value| -> Option<&'a Value> {
        match (item, &by.sub) {
            (Value::Object(o), Some(sub)) => get_ci(o, sub),
            (Value::Object(o), None) => get_ci(o, "value"),
            (_, Some(_)) => None,
            (other, None) => Some(other),
        }
    };
    let key = match attr {
        Value::Array(items) => {
            let primary = items
                .iter()
                .find(|item| item.as_object().and_then(|o| get_ci(o, "primary")) == Some(&Value::Bool(true)));
            pick(primary.or_else(|| items.first())?)?
        }
        Value::Object(o) => match &by.sub {
            Some(sub) => get_ci(o, sub)?,
            None => get_ci(o, "value")?,
        },
        other if by.sub.is_none() => other,
        _ => return None,
    };
    (!key.is_null()).then_some(key)
}

/// Compares two resources by `by`.
pub fn compare(a: &Value, b: &Value, by: &AttrPath, order: SortOrder, case_exact: bool) -> Ordering {
    let ord = match (sort_key(a, by), sort_key(b, by)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => compare_values(x, y, case_exact),
    };
    match order {
        SortOrder::Ascending => ord,
        SortOrder::Descending => ord.reverse(),
    }
}

/// Sorts resources in place (stable: equal keys keep their order).
pub fn sort_resources(
    resources: &mut [Value],
    by: &AttrPath,
    order: SortOrder,
    case_exact: impl Fn(&AttrPath) -> bool,
) {
    let exact = case_exact(by);
    resources.sort_by(|a, b| compare(a, b, by, order, exact));
}

fn compare_values(x: &Value, y: &Value, case_exact: bool) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Bool(_) => 0,
            Value::Number(_) => 1,
            Value::String(_) => 2,
            _ => 3,
        }
    }
    match (x, y) {
        (Value::String(a), Value::String(b)) => str_cmp(a, b, case_exact),
        (Value::Number(a), Value::Number(b)) => num_cmp(a, b).unwrap_or(Ordering::Equal),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        _ => rank(x).cmp(&rank(y)),
    }
}
