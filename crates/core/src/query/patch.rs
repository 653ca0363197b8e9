//! PATCH (RFC 7644 §3.5.2): applying a list of `add` / `replace` / `remove` operations to a
//! resource as JSON.
//!
//! The list is atomic (§3.5.2: "if any operation fails, the whole request fails"): operations run
//! on a copy that replaces the resource only when all succeeded. Failures are [`PatchError`]s,
//! each naming its RFC 7644 §3.12 `scimType` and the index of the operation.
//!
//! What each form does, with the RFC section it follows:
//! - `add` without `path` (§3.5.2.1): `value` is an object of attributes; each is added as if
//!   named by `path` (keys may be paths themselves, `name.givenName`, or an extension URN whose
//!   object is merged).
//! - `add` with `path`: a missing attribute is created; a multi-valued one gets the new values
//!   appended (values already present are not duplicated); a complex one has the given
//!   sub-attributes set; a single-valued one is replaced.
//! - `replace` (§3.5.2.3): like `add`, except that a multi-valued attribute is replaced as a
//!   whole. With a value filter the matching elements (or their sub-attribute) are replaced;
//!   none matching is `noTarget`.
//! - `remove` (§3.5.2.2): `path` is required (`noTarget` without); with a value filter the
//!   matching elements (or their sub-attribute) are removed, none matching is `noTarget`; an
//!   attribute left without values is removed.
//!
//! Where clients and the RFC part ways:
//! - `remove` with a `value` array removes those elements (Microsoft Entra ID sends
//!   `{"op":"remove","path":"members","value":[{"value":"id"}]}`); an element goes when it holds
//!   every sub-attribute of a given one; nothing matching is not an error, since Entra retries.
//! - `add` with a value filter that matches nothing creates the element when the filter is
//!   only `eq` tests joined by `and` (Entra adds a work email as
//!   `{"op":"add","path":"emails[type eq \"work\"].value","value":"…"}`); other filters are
//!   `noTarget`.
//! - `op` is case-insensitive (Entra sends `Add`, `Replace`, `Remove`).
//! - Without `path`, `meta` is ignored (RFC 7643 §3.1: clients' `meta` SHALL be ignored) and `id`
//!   equal to the resource's is ignored (Okta sends it back).
//!
//! Setting `primary: true` on one element of a multi-valued attribute clears it on the others
//! (RFC 7643 §2.4: at most one primary value); one operation making two elements primary is
//! `invalidValue`. Paths with the enterprise URN write inside the extension object, creating it
//! (and listing its URN in `schemas`) when missing.

use super::filter::{Filter, str_eq};
use super::path::{AttrPath, ENTERPRISE_USER_URN, PatchPath, find_key, get_ci};
use crate::dialects::scim::ScimType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The PatchOp message schema (RFC 7644 §3.5.2).
pub const PATCH_OP_URN: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Core User attributes that are `readOnly` (RFC 7643 §3.1, §4.1.2): a PATCH naming them is
/// `mutability`.
pub const READ_ONLY: &[&str] = &["id", "meta", "groups"];

/// Core attributes that are `required` (RFC 7643 §3, §4.1.1): removing one is `mutability`
/// (RFC 7644 §3.5.2.2).
pub const REQUIRED: &[&str] = &["userName", "schemas"];

/// Multi-valued attributes of the core User and Group schemas (RFC 7643 §4.1.2, §4.2), so that a
/// value added to an attribute the resource does not have yet becomes a list.
pub const MULTI_VALUED: &[&str] = &[
    "emails",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509Certificates",
    "schemas",
    "members",
];

/// One element of `Operations`, as on the wire. `op` stays a string so that an unknown one is
/// an `invalidSyntax` error from [`apply_patch`], not a deserialization failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOperation {
    /// `add`, `replace` or `remove`, case-insensitively.
    pub op: String,
    /// The target (RFC 7644 §3.5.2 `PATH`); optional for `add` and `replace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Required for `add` and `replace`; for `remove`, optionally the elements to remove.
    /// A JSON `null` is kept as `Some(Value::Null)` (it unassigns, RFC 7643 §2.5); only a
    /// missing member is `None`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// `Some` for any present member, `null` included (serde's `Option` would make `null` `None`).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

impl PatchOperation {
    /// An operation with the given op and no path or value.
    pub fn new(op: impl Into<String>) -> Self {
        PatchOperation { op: op.into(), path: None, value: None }
    }

    /// The same operation with a path.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// The same operation with a value.
    pub fn value(mut self, value: Value) -> Self {
        self.value = Some(value);
        self
    }
}

/// The three operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchOp {
    /// `add`.
    Add,
    /// `replace`.
    Replace,
    /// `remove`.
    Remove,
}

impl PatchOp {
    /// The op named `text`, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        [PatchOp::Add, PatchOp::Replace, PatchOp::Remove].into_iter().find(|op| op.as_str().eq_ignore_ascii_case(text))
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PatchOp::Add => "add",
            PatchOp::Replace => "replace",
            PatchOp::Remove => "remove",
        }
    }
}

/// Why a PATCH failed; every variant is HTTP 400 with the `scimType` of [`PatchError::scim_type`],
/// and `index` is the failing operation's position in `Operations`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatchError {
    /// The operation is malformed: unknown `op`, or `add`/`replace` without `value`.
    #[error("Operations[{index}]: {detail}")]
    InvalidSyntax {
        /// Position of the operation.
        index: usize,
        /// What is wrong.
        detail: String,
    },
    /// `path` does not parse, or names something that cannot hold what is asked.
    #[error("Operations[{index}]: invalid path '{path}': {detail}")]
    InvalidPath {
        /// Position of the operation.
        index: usize,
        /// The path as sent.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// The path's value filter matched nothing (or `remove` came without a path).
    #[error("Operations[{index}]: nothing matches '{path}'")]
    NoTarget {
        /// Position of the operation.
        index: usize,
        /// The path as sent (empty when missing).
        path: String,
    },
    /// `value` has the wrong shape for the target.
    #[error("Operations[{index}]: {detail}")]
    InvalidValue {
        /// Position of the operation.
        index: usize,
        /// What is wrong.
        detail: String,
    },
    /// The operation would change a read-only attribute or remove a required one.
    #[error("Operations[{index}]: '{attribute}' cannot be changed: {detail}")]
    Mutability {
        /// Position of the operation.
        index: usize,
        /// The attribute, as named in the request.
        attribute: String,
        /// Read-only or required.
        detail: String,
    },
}

impl PatchError {
    /// The RFC 7644 §3.12 `scimType`, typed: a server answers it as is, with no keyword to parse.
    pub fn kind(&self) -> ScimType {
        match self {
            PatchError::InvalidSyntax { .. } => ScimType::InvalidSyntax,
            PatchError::InvalidPath { .. } => ScimType::InvalidPath,
            PatchError::NoTarget { .. } => ScimType::NoTarget,
            PatchError::InvalidValue { .. } => ScimType::InvalidValue,
            PatchError::Mutability { .. } => ScimType::Mutability,
        }
    }

    /// The RFC 7644 §3.12 `scimType` keyword.
    pub fn scim_type(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The HTTP status: 400 for all of them (RFC 7644 §3.12 Table 9).
    pub fn status(&self) -> u16 {
        400
    }

    /// The failing operation's index in `Operations`.
    pub fn index(&self) -> usize {
        match self {
            PatchError::InvalidSyntax { index, .. }
            | PatchError::InvalidPath { index, .. }
            | PatchError::NoTarget { index, .. }
            | PatchError::InvalidValue { index, .. }
            | PatchError::Mutability { index, .. } => *index,
        }
    }
}

/// Applies `operations` to `resource`, all or nothing. `case_exact` decides how value filters
/// and `remove` values compare strings ([`case_exact_for_user`](super::case_exact_for_user)).
pub fn apply_patch(
    resource: &mut Value,
    operations: &[PatchOperation],
    case_exact: impl Fn(&AttrPath) -> bool,
) -> Result<(), PatchError> {
    let mut doc = resource.clone();
    for (index, operation) in operations.iter().enumerate() {
        let path = operation.path.as_deref().map_or("", str::trim);
        Cx { index, case_exact: &case_exact, path }.apply(&mut doc, operation)?;
    }
    *resource = doc;
    Ok(())
}

/// One operation's context: its index and path as sent (for errors), and the caseExact rule.
struct Cx<'a> {
    index: usize,
    case_exact: &'a dyn Fn(&AttrPath) -> bool,
    path: &'a str,
}

/// Indices of the elements an operation wrote, for the primary rule.
type Written = Vec<usize>;

impl Cx<'_> {
    fn syntax(&self, detail: impl Into<String>) -> PatchError {
        PatchError::InvalidSyntax { index: self.index, detail: detail.into() }
    }
    fn invalid_path(&self, path: &str, detail: impl Into<String>) -> PatchError {
        PatchError::InvalidPath { index: self.index, path: path.to_owned(), detail: detail.into() }
    }
    fn no_target(&self, path: &str) -> PatchError {
        PatchError::NoTarget { index: self.index, path: path.to_owned() }
    }
    fn invalid_value(&self, detail: impl Into<String>) -> PatchError {
        PatchError::InvalidValue { index: self.index, detail: detail.into() }
    }
    fn mutability(&self, attribute: &str, detail: &str) -> PatchError {
        PatchError::Mutability { index: self.index, attribute: attribute.to_owned(), detail: detail.to_owned() }
    }

    fn apply(&self, doc: &mut Value, operation: &PatchOperation) -> Result<(), PatchError> {
        let Some(op) = PatchOp::parse(operation.op.trim()) else {
            return Err(self.syntax(format!("unknown op '{}': expected add, replace or remove", operation.op)));
        };
        if !doc.is_object() {
            return Err(self.invalid_value("the resource is not a JSON object"));
        }
        let path = match self.path {
            "" => None,
            text => Some(PatchPath::parse(text).map_err(|e| self.invalid_path(text, e.to_string()))?),
        };
        if op == PatchOp::Remove {
            return match &path {
                None => Err(self.no_target("")),
                Some(path) => self.remove(doc, path, operation.value.as_ref()),
            };
        }
        let Some(value) = operation.value.as_ref() else {
            return Err(self.syntax(format!("'{}' needs a value", op.as_str())));
        };
        match &path {
            Some(path) => self.write_path(doc, op, path, value),
            None => self.write_no_path(doc, op, value),
        }
    }

    /// `add`/`replace` without path: each member of `value` as its own target.
    fn write_no_path(&self, doc: &mut Value, op: PatchOp, value: &Value) -> Result<(), PatchError> {
        let Value::Object(attrs) = value else {
            return Err(self.invalid_value(format!("'{}' without a path takes an object of attributes", op.as_str())));
        };
        for (key, v) in attrs {
            if is_extension_key(doc, key) {
                let Value::Object(ext) = v else {
                    return Err(
                        self.invalid_value(format!("'{key}' is a schema extension: its value must be an object"))
                    );
                };
                for (name, v) in ext {
                    let path = AttrPath::new(name.clone()).in_schema(key.clone());
                    self.check_writable(&path, &path.to_string())?;
                    self.write_attr(doc, op, &path, v)?;
                }
                continue;
            }
            let path = AttrPath::parse(key).map_err(|e| self.invalid_path(key, e.to_string()))?;
            if path.urn.is_none() && path.name.eq_ignore_ascii_case("meta") {
                continue;
            }
            if is_read_only(&path) && path.get(doc) == Some(v) {
                continue;
            }
            let path = normalize(doc, path);
            self.check_writable(&path, key)?;
            self.write_attr(doc, op, &path, v)?;
        }
        Ok(())
    }

    /// `add`/`replace` with a path.
    fn write_path(&self, doc: &mut Value, op: PatchOp, path: &PatchPath, value: &Value) -> Result<(), PatchError> {
        let attr = normalize(doc, path.attr.clone());
        self.check_writable(&attr, self.path)?;
        match &path.filter {
            None => self.write_attr(doc, op, &attr, value),
            Some(filter) => self.write_filtered(doc, op, &attr, filter, path.sub.as_deref(), value),
        }
    }

    fn check_writable(&self, path: &AttrPath, text: &str) -> Result<(), PatchError> {
        if is_read_only(path) {
            return Err(self.mutability(text, "the attribute is read-only"));
        }
        Ok(())
    }

    /// `add`/`replace` of an attribute or sub-attribute, no value filter.
    fn write_attr(&self, doc: &mut Value, op: PatchOp, path: &AttrPath, value: &Value) -> Result<(), PatchError> {
        let multi = is_multi_valued(path);
        let container = match self.container(doc, path, !value.is_null()) {
            Ok(container) => container,
            // Unassigning inside an extension the resource does not have: nothing to do.
            Err(PatchError::NoTarget { .. }) => return Ok(()),
            Err(e) => return Err(e),
        };
        let key = find_key(container, &path.name).map_or_else(|| path.name.clone(), str::to_owned);
        let text = path.to_string();
        let Some(sub) = &path.sub else {
            if value.is_null() {
                container.remove(&key);
                return Ok(());
            }
            let written = match container.get_mut(&key) {
                None | Some(Value::Null) => {
                    let new =
                        if multi && !value.is_array() { Value::Array(vec![value.clone()]) } else { value.clone() };
                    let n = new.as_array().map_or(0, Vec::len);
                    container.insert(key.clone(), new);
                    (0..n).collect()
                }
                Some(Value::Array(items)) => match op {
                    PatchOp::Add => {
                        let start = items.len();
                        for v in as_list(value) {
                            if !items.contains(v) {
                                items.push(v.clone());
                            }
                        }
                        (start..items.len()).collect()
                    }
                    _ => {
                        *items = as_list(value).into_iter().cloned().collect();
                        (0..items.len()).collect()
                    }
                },
                Some(Value::Object(existing)) => {
                    let Value::Object(subs) = value else {
                        return Err(self.invalid_value(format!(
                            "'{text}' is complex: its value must be an object of sub-attributes"
                        )));
                    };
                    merge(existing, subs);
                    Written::new()
                }
                Some(slot) => {
                    *slot = value.clone();
                    Written::new()
                }
            };
            return self.fix_primary(container.get_mut(&key), &written);
        };
        match container.get_mut(&key) {
            None | Some(Value::Null) if multi => Err(self.no_target(&text)),
            None | Some(Value::Null) => {
                if !value.is_null() {
                    let mut object = Map::new();
                    object.insert(sub.clone(), value.clone());
                    container.insert(key, Value::Object(object));
                }
                Ok(())
            }
            Some(Value::Object(object)) => {
                set_ci(object, sub, value);
                Ok(())
            }
            Some(Value::Array(items)) => {
                if items.is_empty() {
                    return Err(self.no_target(&text));
                }
                for item in items.iter_mut() {
                    let Value::Object(object) = item else {
                        return Err(
                            self.invalid_path(&text, format!("the elements of '{}' have no sub-attributes", path.name))
                        );
                    };
                    set_ci(object, sub, value);
                }
                let all: Written = (0..items.len()).collect();
                self.fix_primary(container.get_mut(&key), &all)
            }
            Some(_) => {
                Err(self
                    .invalid_path(&text, format!("'{}' is not complex: it has no sub-attribute '{sub}'", path.name)))
            }
        }
    }

    /// `add`/`replace` through a value filter.
    fn write_filtered(
        &self,
        doc: &mut Value,
        op: PatchOp,
        attr: &AttrPath,
        filter: &Filter,
        sub: Option<&str>,
        value: &Value,
    ) -> Result<(), PatchError> {
        let (case_exact, text) = (self.case_exact, self.path);
        let container = self.container(doc, attr, op == PatchOp::Add)?;
        let key = find_key(container, &attr.name).map_or_else(|| attr.name.clone(), str::to_owned);
        let matched: Written = match container.get(&key) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter(|(_, item)| item.is_object() && filter.matches_element(item, attr, case_exact))
                .map(|(i, _)| i)
                .collect(),
            None | Some(Value::Null) => Written::new(),
            Some(_) => return Err(self.invalid_path(text, format!("'{}' is not multi-valued", attr.name))),
        };
        if matched.is_empty() {
            let created = match (op, filter.equalities()) {
                (PatchOp::Add, Some(pairs)) => {
                    let mut element = Map::new();
                    for (p, v) in pairs {
                        element.insert(p.name.clone(), v.clone());
                    }
                    match (sub, value) {
                        (Some(sub), v) => set_ci(&mut element, sub, v),
                        (None, Value::Object(subs)) => merge(&mut element, subs),
                        (None, _) => {
                            return Err(self.invalid_value(format!(
                                "an element of '{}' is an object of sub-attributes",
                                attr.name
                            )));
                        }
                    }
                    Value::Object(element)
                }
                _ => return Err(self.no_target(text)),
            };
            let slot = container.entry(key.clone()).or_insert_with(|| Value::Array(Vec::new()));
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            let mut written = Written::new();
            if let Value::Array(items) = slot {
                items.push(created);
                written.push(items.len() - 1);
            }
            return self.fix_primary(container.get_mut(&key), &written);
        }
        if let Some(Value::Array(items)) = container.get_mut(&key) {
            for &i in &matched {
                let Some(Value::Object(element)) = items.get_mut(i) else {
                    continue;
                };
                match (op, sub, value) {
                    (_, Some(sub), v) => set_ci(element, sub, v),
                    (PatchOp::Add, None, Value::Object(subs)) => merge(element, subs),
                    (_, None, v) => {
                        let v = match v {
                            Value::Array(list) if list.len() == 1 => &list[0],
                            other => other,
                        };
                        let Value::Object(new) = v else {
                            return Err(self.invalid_value(format!(
                                "an element of '{}' is an object of sub-attributes",
                                attr.name
                            )));
                        };
                        *element = new.clone();
                    }
                }
            }
        }
        self.fix_primary(container.get_mut(&key), &matched)
    }

    fn remove(&self, doc: &mut Value, path: &PatchPath, value: Option<&Value>) -> Result<(), PatchError> {
        let text = self.path;
        let attr = normalize(doc, path.attr.clone());
        self.check_writable(&attr, text)?;
        let whole = path.filter.is_none() && path.sub.is_none() && attr.sub.is_none();
        let values_given = value.is_some_and(|v| !v.is_null());
        if whole && !values_given && attr.urn.is_none() && REQUIRED.iter().any(|n| attr.name.eq_ignore_ascii_case(n)) {
            return Err(self.mutability(text, "the attribute is required"));
        }
        let case_exact = self.case_exact;
        let container = match self.container(doc, &attr, false) {
            Ok(c) => c,
            Err(PatchError::NoTarget { .. }) if path.filter.is_none() => return Ok(()),
            Err(e) => return Err(e),
        };
        let Some(key) = find_key(container, &attr.name).map(str::to_owned) else {
            return match path.filter {
                Some(_) => Err(self.no_target(text)),
                None => Ok(()),
            };
        };
        if let Some(filter) = &path.filter {
            let Some(Value::Array(items)) = container.get_mut(&key) else {
                return Err(self.no_target(text));
            };
            let matched: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(_, item)| item.is_object() && filter.matches_element(item, &attr, case_exact))
                .map(|(i, _)| i)
                .collect();
            if matched.is_empty() {
                return Err(self.no_target(text));
            }
            match path.sub.as_deref() {
                Some(sub) => {
                    for &i in &matched {
                        if let Some(Value::Object(element)) = items.get_mut(i) {
                            remove_ci(element, sub);
                        }
                    }
                }
                None => {
                    let mut i = 0;
                    items.retain(|_| {
                        let keep = !matched.contains(&i);
                        i += 1;
                        keep
                    });
                }
            }
            drop_if_empty(container, &key);
            return Ok(());
        }
        if let Some(sub) = &attr.sub {
            match container.get_mut(&key) {
                Some(Value::Object(object)) => remove_ci(object, sub),
                Some(Value::Array(items)) => {
                    for item in items.iter_mut() {
                        if let Value::Object(object) = item {
                            remove_ci(object, sub);
                        }
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        if let (Some(given), Some(Value::Array(items))) = (value.filter(|v| !v.is_null()), container.get_mut(&key)) {
            let given = as_list(given);
            items.retain(|item| !given.iter().any(|g| element_matches(item, g, &attr, case_exact)));
            drop_if_empty(container, &key);
            return Ok(());
        }
        container.remove(&key);
        Ok(())
    }

    /// The object holding `path`'s attribute: the resource, or the extension object of its
    /// URN, created (and listed in `schemas`) when `create`; else a missing one is `noTarget`.
    fn container<'d>(
        &self,
        doc: &'d mut Value,
        path: &AttrPath,
        create: bool,
    ) -> Result<&'d mut Map<String, Value>, PatchError> {
        let Value::Object(root) = doc else {
            return Err(self.invalid_value("the resource is not a JSON object"));
        };
        let Some(urn) = &path.urn else {
            return Ok(root);
        };
        let key = match find_key(root, urn) {
            Some(key) => key.to_owned(),
            None if create => {
                root.insert(urn.clone(), Value::Object(Map::new()));
                list_schema(root, urn);
                urn.clone()
            }
            None => return Err(self.no_target(&path.to_string())),
        };
        match root.get_mut(&key) {
            Some(Value::Object(ext)) => Ok(ext),
            _ => Err(self.invalid_path(&path.to_string(), format!("'{key}' is not an extension object"))),
        }
    }

    /// RFC 7643 §2.4: at most one `primary: true`. The elements just written win.
    fn fix_primary(&self, attr: Option<&mut Value>, written: &[usize]) -> Result<(), PatchError> {
        let Some(Value::Array(items)) = attr else {
            return Ok(());
        };
        let is_primary = |v: &Value| v.as_object().and_then(|o| get_ci(o, "primary")) == Some(&Value::Bool(true));
        let new: Vec<usize> = written.iter().copied().filter(|&i| items.get(i).is_some_and(is_primary)).collect();
        if new.len() > 1 {
            return Err(self.invalid_value("more than one value is marked primary"));
        }
        let Some(&winner) = new.first() else {
            return Ok(());
        };
        for (i, item) in items.iter_mut().enumerate() {
            if i != winner
                && is_primary(item)
                && let Value::Object(o) = item
                && let Some(k) = find_key(o, "primary").map(str::to_owned)
            {
                o.insert(k, Value::Bool(false));
            }
        }
        Ok(())
    }
}

/// A path naming a whole extension (`urn:…:enterprise:2.0:User`, which parses as URN + `User`)
/// becomes the top-level attribute it is.
fn normalize(doc: &Value, path: AttrPath) -> AttrPath {
    match path.whole_extension_key() {
        Some(key) if is_extension_key(doc, &key) => AttrPath::new(key),
        _ => path,
    }
}

/// Whether `key` names a schema extension of this resource: present as an object, listed in
/// `schemas`, or the enterprise extension.
fn is_extension_key(doc: &Value, key: &str) -> bool {
    if !key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
        return false;
    }
    if key.eq_ignore_ascii_case(ENTERPRISE_USER_URN) {
        return true;
    }
    let Some(root) = doc.as_object() else {
        return false;
    };
    get_ci(root, key).is_some_and(Value::is_object)
        || get_ci(root, "schemas")
            .and_then(Value::as_array)
            .is_some_and(|s| s.iter().any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(key))))
}

fn is_read_only(path: &AttrPath) -> bool {
    path.urn.is_none() && READ_ONLY.iter().any(|n| path.name.eq_ignore_ascii_case(n))
}

fn is_multi_valued(path: &AttrPath) -> bool {
    path.urn.is_none() && MULTI_VALUED.iter().any(|n| path.name.eq_ignore_ascii_case(n))
}

/// Adds `urn` to `schemas` when the resource lists its schemas and lacks it.
fn list_schema(root: &mut Map<String, Value>, urn: &str) {
    let Some(key) = find_key(root, "schemas").map(str::to_owned) else {
        return;
    };
    if let Some(Value::Array(schemas)) = root.get_mut(&key)
        && !schemas.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
    {
        schemas.push(Value::String(urn.to_owned()));
    }
}

/// A value or the members of an array value.
fn as_list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// Sets sub-attributes, keeping the existing key spelling; null unassigns (RFC 7643 §2.5).
fn merge(target: &mut Map<String, Value>, subs: &Map<String, Value>) {
    for (k, v) in subs {
        set_ci(target, k, v);
    }
}

fn set_ci(object: &mut Map<String, Value>, name: &str, value: &Value) {
    let key = find_key(object, name).map_or_else(|| name.to_owned(), str::to_owned);
    if value.is_null() {
        object.remove(&key);
    } else {
        object.insert(key, value.clone());
    }
}

fn remove_ci(object: &mut Map<String, Value>, name: &str) {
    if let Some(key) = find_key(object, name).map(str::to_owned) {
        object.remove(&key);
    }
}

/// A multi-valued attribute left without values is unassigned (RFC 7644 §3.5.2.2).
fn drop_if_empty(container: &mut Map<String, Value>, key: &str) {
    if container.get(key).is_some_and(|v| v.as_array().is_some_and(Vec::is_empty)) {
        container.remove(key);
    }
}

/// The `remove`-with-values rule: an element matches a given value when it holds every
/// sub-attribute of it (strings compared per `caseExact`), or equals it (simple values).
fn element_matches(item: &Value, given: &Value, attr: &AttrPath, case_exact: &dyn Fn(&AttrPath) -> bool) -> bool {
    match (item, given) {
        (Value::Object(element), Value::Object(wanted)) => {
            !wanted.is_empty()
                && wanted.iter().all(|(k, w)| match (get_ci(element, k), w) {
                    (Some(Value::String(a)), Value::String(b)) => {
                        str_eq(a, b, case_exact(&attr.join(&AttrPath::new(k.clone()))))
                    }
                    (Some(a), b) => a == b,
                    (None, _) => false,
                })
        }
        (Value::String(a), Value::String(b)) => str_eq(a, b, case_exact(attr)),
        (a, b) => a == b,
    }
}
