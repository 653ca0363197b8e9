//! `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a response
//! carries.
//!
//! Each attribute's `returned` characteristic (RFC 7643 §2.2, §7) decides first: `always`
//! attributes are in every response (neither list can drop them), `never` ones in none (asking
//! for them does not help), `request` ones only when `attributes` names them, `default` ones unless
//! `attributes` names others or `excludedAttributes` names them. A path with a sub-attribute
//! narrows a complex attribute (`name.givenName`) or every element of a multi-valued one
//! (`emails.value`); a path may carry a schema URN (`urn:…:enterprise:2.0:User:employeeNumber`)
//! or be the URN alone, naming the whole extension.

use super::path::{AttrPath, PathError, char_pos, find_key, is_joined};
use serde_json::{Map, Value};

/// The `returned` characteristic of an attribute (RFC 7643 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    /// In every response (`id`).
    Always,
    /// Unless excluded.
    Default,
    /// Only when named in `attributes`.
    Request,
    /// In no response (`password`).
    Never,
}

/// `returned` in the core User schema (RFC 7643 §3.1, §4.1, §8.7.1): `id` always (§3.1);
/// `password` never (§4.1.1); everything else, `userName` included, default. `schemas` is not
/// an attribute of the schema but is REQUIRED in every representation (§3), so always.
pub fn returned_for_user(path: &AttrPath) -> Returned {
    if path.urn.is_none() && path.sub.is_none() {
        if path.name.eq_ignore_ascii_case("id") || path.name.eq_ignore_ascii_case("schemas") {
            return Returned::Always;
        }
        if path.name.eq_ignore_ascii_case("password") {
            return Returned::Never;
        }
    }
    Returned::Default
}

/// The parsed `attributes` and `excludedAttributes` parameters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projection {
    /// `attributes`: when given, only these (plus `always` ones) are returned.
    pub include: Option<Vec<AttrPath>>,
    /// `excludedAttributes`: dropped from what would be returned (except `always` ones).
    pub exclude: Vec<AttrPath>,
}

impl Projection {
    /// Parses the two comma-separated lists (either may be absent or empty). An error's
    /// position counts characters in the parameter it was found in.
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Result<Self, PathError> {
        let include = match attributes {
            Some(text) => Some(parse_list(text)?).filter(|list| !list.is_empty()),
            None => None,
        };
        let exclude = match excluded {
            Some(text) => parse_list(text)?,
            None => Vec::new(),
        };
        Ok(Projection { include, exclude })
    }

    /// The resource as the response carries it. `returned` gives each attribute's `returned`
    /// characteristic ([`returned_for_user`] for Users). Keys keep the resource's spelling.
    pub fn apply(&self, resource: &Value, returned: impl Fn(&AttrPath) -> Returned) -> Value {
        let Value::Object(root) = resource else {
            return resource.clone();
        };
        let mut out = Map::new();
        for (key, value) in root {
            let is_extension = key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) && value.is_object();
            if is_extension && let Value::Object(ext) = value {
                if let Some(projected) = self.extension(key, ext, &returned) {
                    out.insert(key.clone(), projected);
                }
            } else if let Some(projected) = self.attribute(None, key, value, &returned) {
                out.insert(key.clone(), projected);
            }
        }
        Value::Object(out)
    }

    /// An extension object: whole when a path names the URN alone, else attribute by attribute.
    fn extension(
        &self,
        urn: &str,
        ext: &Map<String, Value>,
        returned: &impl Fn(&AttrPath) -> Returned,
    ) -> Option<Value> {
        let names_whole = |p: &AttrPath| match (&p.urn, &p.sub) {
            (Some(u), None) => is_joined(urn, u, &p.name),
            (None, None) => p.name.eq_ignore_ascii_case(urn),
            _ => false,
        };
        if self.exclude.iter().any(names_whole) {
            return None;
        }
        let whole = self.include.as_ref().is_none_or(|list| list.iter().any(names_whole));
        let mut out = Map::new();
        for (key, value) in ext {
            let path = AttrPath { urn: Some(urn.to_owned()), name: key.clone(), sub: None };
            let projected = if whole {
                self.unselected(&path, value, returned(&path))
            } else {
                self.attribute(Some(urn), key, value, returned)
            };
            if let Some(v) = projected {
                out.insert(key.clone(), v);
            }
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }

    /// One attribute (core, or inside extension `urn`).
    fn attribute(
        &self,
        urn: Option<&str>,
        key: &str,
        value: &Value,
        returned: &impl Fn(&AttrPath) -> Returned,
    ) -> Option<Value> {
        let path = AttrPath { urn: urn.map(str::to_owned), name: key.to_owned(), sub: None };
        let how = returned(&path);
        match (how, &self.include) {
            (Returned::Never, _) => None,
            (Returned::Always, _) => Some(value.clone()),
            (_, None) => self.unselected(&path, value, how),
            (_, Some(list)) => {
                let named: Vec<&AttrPath> = list.iter().filter(|p| same_attr(p, &path)).collect();
                if named.is_empty() {
                    return None;
                }
                if named.iter().any(|p| p.sub.is_none()) {
                    return self.excluded_subs(&path, value.clone());
                }
                let subs: Vec<&str> = named.iter().filter_map(|p| p.sub.as_deref()).collect();
                let kept = keep_subs(value, &subs)?;
                self.excluded_subs(&path, kept)
            }
        }
    }

    /// An attribute no `attributes` list names (there is none, or it names the whole extension).
    fn unselected(&self, path: &AttrPath, value: &Value, how: Returned) -> Option<Value> {
        match how {
            Returned::Never | Returned::Request => None,
            Returned::Always => Some(value.clone()),
            Returned::Default => self.excluded_subs(path, value.clone()),
        }
    }

    /// Applies `excludedAttributes` to a `default` attribute: gone when named whole, else the
    /// named sub-attributes removed.
    fn excluded_subs(&self, path: &AttrPath, mut value: Value) -> Option<Value> {
        let named: Vec<&AttrPath> = self.exclude.iter().filter(|p| same_attr(p, path)).collect();
        if named.iter().any(|p| p.sub.is_none()) {
            return None;
        }
        for sub in named.iter().filter_map(|p| p.sub.as_deref()) {
            match &mut value {
                Value::Object(o) => remove_ci(o, sub),
                Value::Array(items) => {
                    for item in items.iter_mut() {
                        if let Value::Object(o) = item {
                            remove_ci(o, sub);
                        }
                    }
                }
                _ => {}
            }
        }
        Some(value)
    }
}

/// Same attribute (URN and name), ignoring sub-attributes and ASCII case.
fn same_attr(a: &AttrPath, b: &AttrPath) -> bool {
    let urn = match (&a.urn, &b.urn) {
        (None, None) => true,
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => false,
    };
    urn && a.name.eq_ignore_ascii_case(&b.name)
}

/// Only the named sub-attributes of a complex value, or of each element of a multi-valued one;
/// `None` when nothing is left.
fn keep_subs(value: &Value, subs: &[&str]) -> Option<Value> {
    let keep = |o: &Map<String, Value>| -> Map<String, Value> {
        o.iter()
            .filter(|(k, _)| subs.iter().any(|s| k.eq_ignore_ascii_case(s)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    match value {
        Value::Object(o) => {
            let kept = keep(o);
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        Value::Array(items) => {
            let kept: Vec<Value> = items
                .iter()
                .filter_map(|item| item.as_object().map(keep))
                .filter(|o| !o.is_empty())
                .map(Value::Object)
                .collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        _ => None,
    }
}

fn remove_ci(object: &mut Map<String, Value>, name: &str) {
    if let Some(key) = find_key(object, name).map(str::to_owned) {
        object.remove(&key);
    }
}

fn parse_list(text: &str) -> Result<Vec<AttrPath>, PathError> {
    let mut out = Vec::new();
    let mut offset = 0;
    for item in text.split(',') {
        let lead = item.len() - item.trim_start().len();
        let trimmed = item.trim();
        if !trimmed.is_empty() {
            let path = AttrPath::parse(trimmed)
                .map_err(|e| PathError::new(char_pos(text, offset + lead) + e.position, e.message))?;
            out.push(path);
        }
        offset += item.len() + 1;
    }
    Ok(out)
}
