//! Writing one dialect's view of a user over the stored canonical user.
//!
//! A dialect sees only part of a user (learningcloud has no `companyId`, primavera no
//! `username`). When a client of one dialect updates a user that another dialect created, the
//! fields it cannot see must survive. So an update is applied to the stored user through the
//! dialect's *view* of it: the stored user written as the dialect's update body and read back
//! (`to_canonical(from_canonical(stored))`) is exactly what that client could have seen.
//!
//! * [`Mode::Replace`] (learningcloud PUT, publisher PUT, SCIM PUT): the body replaces the whole
//!   view; a view field the body leaves out is cleared.
//! * [`Mode::Overlay`] (primavera PUT, DeviceHive PUT): only what the body carries changes; absent
//!   optional fields keep their stored value.
//!
//! Either way, fields outside the view are kept, multi-valued fields keep the entries the view
//! does not show (a second email, a fax number), and a value the client sent back unchanged keeps
//! the stored, possibly richer, value (`pt-BR` stays `pt-BR` when learningcloud sends back `pt`).

use crate::canonical::User;
use crate::dialect::{Dialect, DialectSpec, Op};
use serde_json::{Map, Value};

/// How an update body relates to the dialect's view of the stored user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The body is the complete view: what it leaves out is cleared.
    Replace,
    /// The body changes what it carries and nothing else.
    Overlay,
}

/// The update semantics of each dialect's own update operation ([`DialectSpec::update_mode`]).
pub fn update_mode(dialect: Dialect) -> Mode {
    dialect.spec().update_mode()
}

/// The stored user with `incoming` (the canonical form of a `dialect` update body) applied in
/// `mode`, before the dialect's own update rules ([`crate::apply_update`] adds them).
///
/// Identity (`id`, `uid`) and the password never come from here: the caller owns them.
pub fn apply(dialect: Dialect, stored: &User, incoming: &User, mode: Mode) -> User {
    apply_with(dialect.spec(), stored, incoming, mode)
}

/// [`apply`] for one dialect module given by type.
pub fn apply_with<S: DialectSpec + ?Sized>(spec: &S, stored: &User, incoming: &User, mode: Mode) -> User {
    let mut incoming = incoming.clone();
    incoming.id = None;
    incoming.uid = None;
    incoming.password = None;
    let view = spec.view(Op::Update, stored);

    let mut base = to_json(stored);
    let view = to_json(&view);
    let mut incoming = to_json(&incoming);
    preserve_unchanged(&mut incoming, &view, &base);
    let view = match mode {
        Mode::Replace => view,
        Mode::Overlay => restrict(&view, &incoming),
    };
    remove(&mut base, &view);
    overlay(&mut base, incoming);
    // Read back from text, not from the `Value`: the Worker already has `User`'s deserializer for
    // text (its rows), and a second one for `Value` would cost ~25 KB of Wasm.
    let mut merged: User = serde_json::from_str(&base.to_string()).unwrap_or_else(|_| stored.clone());
    merged.id = stored.id;
    merged.uid = stored.uid.clone();
    merged.password = None;
    merged
}

/// RFC 7396 JSON merge patch: objects merge key by key, `null` deletes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(key);
            } else {
                merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

fn to_json(user: &User) -> Value {
    serde_json::to_value(user).unwrap_or_else(|_| Value::Object(Map::new()))
}

/// A scalar the client sent back exactly as its view showed it keeps the stored value: the view
/// may be narrower (`pt` for `pt-BR`, `enabled: false` for `suspended`).
fn preserve_unchanged(incoming: &mut Value, view: &Value, stored: &Value) {
    let (Value::Object(inc), Value::Object(view), Value::Object(stored)) = (incoming, view, stored) else {
        return;
    };
    for (key, value) in inc.iter_mut() {
        let (Some(v), Some(s)) = (view.get(key), stored.get(key)) else { continue };
        if value.is_object() {
            preserve_unchanged(value, v, s);
        } else if !value.is_array() && value == v && !s.is_object() && !s.is_array() {
            *value = s.clone();
        }
    }
}

/// The part of the view an overlay body touches: keys it carries, and in arrays the entries of the
/// kinds it carries (a body with only a work phone leaves the mobile phone alone).
fn restrict(view: &Value, incoming: &Value) -> Value {
    match (view, incoming) {
        (Value::Object(v), Value::Object(i)) => {
            let kept: Map<String, Value> =
                v.iter().filter_map(|(k, vv)| Some((k.clone(), restrict(vv, i.get(k)?)))).collect();
            Value::Object(kept)
        }
        (Value::Array(v), Value::Array(i)) => {
            Value::Array(v.iter().filter(|e| i.iter().any(|n| e.get("type") == n.get("type"))).cloned().collect())
        }
        (v, _) => v.clone(),
    }
}

/// Removes from `base` everything `view` holds; objects and arrays left empty disappear.
fn remove(base: &mut Value, view: &Value) {
    let (Value::Object(b), Value::Object(v)) = (base, view) else { return };
    for (key, vv) in v {
        let Some(bv) = b.get_mut(key) else { continue };
        match (bv, vv) {
            (bv @ Value::Object(_), Value::Object(_)) => remove(bv, vv),
            (Value::Array(items), Value::Array(gone)) => items.retain(|item| !gone.iter().any(|g| same(item, g))),
            (bv, _) => *bv = Value::Null,
        }
        let empty = match b.get(key) {
            Some(Value::Object(m)) => m.is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Null) => true,
            _ => false,
        };
        if empty {
            b.remove(key);
        }
    }
}

/// Two array entries are the same thing when their `value` (or `name`) agrees, else when equal.
fn same(a: &Value, b: &Value) -> bool {
    for key in ["value", "name"] {
        if let (Some(x), Some(y)) = (a.get(key), b.get(key)) {
            return x == y;
        }
    }
    a == b
}

/// Writes `incoming` into `base`: objects merge, arrays put the incoming entries first (a
/// single-valued dialect reads the first entry of a kind) without duplicating them.
fn overlay(base: &mut Value, incoming: Value) {
    match (base, incoming) {
        (Value::Object(b), Value::Object(i)) => {
            for (key, value) in i {
                match b.get_mut(&key) {
                    Some(existing) => overlay(existing, value),
                    None => {
                        b.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(b), Value::Array(i)) => {
            b.retain(|item| !i.iter().any(|n| same(item, n)));
            let rest = std::mem::take(b);
            b.extend(i);
            b.extend(rest);
        }
        (b, i) => *b = i,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::{Email, EmailAddress, PhoneKind, Product, ProductName, Status};
    use serde_json::json;

    fn user(v: Value) -> User {
        serde_json::from_value(v).unwrap_or_default()
    }

    fn email(s: &str, primary: bool) -> Email {
        Email {
            value: EmailAddress::try_from(s).unwrap_or_else(|_| unreachable!()),
            kind: None,
            primary: primary.then_some(true),
        }
    }

    #[test]
    fn replace_keeps_what_the_dialect_cannot_see() {
        let stored = user(json!({
            "id": 7, "uid": "ab", "username": "ana", "company_id": 3, "office_ids": [1, 2],
            "name": {"given": "Ana", "family": "Lima", "middle": "M"}, "location": "Lisbon",
            "emails": [{"value": "a@x.org", "primary": true}, {"value": "home@x.org", "type": "home"}],
        }));
        let incoming = user(json!({
            "username": "ana2", "name": {"given": "Ana", "family": "Silva"},
            "emails": [{"value": "new@x.org", "primary": true}], "language": "en", "timezone": "UTC",
        }));
        let out = apply(Dialect::LearningCloud, &stored, &incoming, Mode::Replace);
        assert_eq!(out.id, Some(7));
        assert_eq!(out.uid.as_deref(), Some("ab"));
        assert_eq!(out.username.as_deref(), Some("ana2"));
        assert_eq!(out.company_id, Some(3), "primavera's field survives a learningcloud PUT");
        assert_eq!(out.office_ids, vec![1, 2]);
        assert_eq!(out.name.middle.as_deref(), Some("M"));
        assert_eq!(out.name.family.as_deref(), Some("Silva"));
        assert_eq!(out.location, None, "a replace clears the view's fields the body left out");
        assert_eq!(out.emails, vec![email("new@x.org", true), out.emails[1].clone()]);
        assert_eq!(out.emails[1].value.as_str(), "home@x.org");
    }

    #[test]
    fn overlay_changes_only_what_the_body_carries() {
        let mut stored = user(json!({
            "id": 9, "username": "bo", "job_title": "Eng", "name": {"given": "Bo", "family": "K"},
            "emails": [{"value": "bo@x.org", "primary": true}],
        }));
        stored.push_phone(PhoneKind::Work, "1".into());
        stored.push_phone(PhoneKind::Mobile, "2".into());
        let mut incoming =
            user(json!({"name": {"given": "Bob", "family": "K"}, "emails": [{"value": "bo@x.org", "primary": true}]}));
        incoming.push_phone(PhoneKind::Work, "9".into());
        let out = apply(Dialect::Primavera, &stored, &incoming, Mode::Overlay);
        assert_eq!(out.username.as_deref(), Some("bo"));
        assert_eq!(out.job_title.as_deref(), Some("Eng"), "absent optional field is kept");
        assert_eq!(out.name.given.as_deref(), Some("Bob"));
        assert_eq!(out.phone(PhoneKind::Work).map(|p| p.value.as_str()), Some("9"));
        assert_eq!(out.phone(PhoneKind::Mobile).map(|p| p.value.as_str()), Some("2"));
        assert_eq!(out.phones.len(), 2);
    }

    #[test]
    fn unchanged_narrowed_values_keep_the_stored_value() {
        let stored = user(json!({"username": "c", "language": "pt-BR", "status": "suspended"}));
        let incoming = user(json!({"username": "c", "language": "pt", "status": "inactive"}));
        let out = apply(Dialect::LearningCloud, &stored, &incoming, Mode::Replace);
        assert_eq!(out.language.map(|l| l.to_string()).as_deref(), Some("pt-BR"));
        assert_eq!(out.status, Some(Status::Suspended));
        let changed = user(json!({"username": "c", "language": "es", "status": "active"}));
        let out = apply(Dialect::LearningCloud, &stored, &changed, Mode::Replace);
        assert_eq!(out.language.map(|l| l.to_string()).as_deref(), Some("es"));
        assert_eq!(out.status, Some(Status::Active));
    }

    #[test]
    fn primavera_products_are_a_delta() {
        let p = |name, remove| Product { name, product_id: None, user_product_id: None, remove };
        let stored =
            User { products: vec![p(ProductName::Tasks, false), p(ProductName::Schedule, false)], ..User::default() };
        let incoming = User {
            products: vec![p(ProductName::Tasks, true), p(ProductName::Idea, false)],
            emails: vec![email("p@x.org", true)],
            ..User::default()
        };
        let body = json!({});
        let out = crate::apply_update(Dialect::Primavera, &stored, &incoming, &body);
        let names: Vec<ProductName> = out.products.iter().map(|p| p.name).collect();
        assert_eq!(names, vec![ProductName::Schedule, ProductName::Idea]);
        let none = User { emails: vec![email("p@x.org", true)], ..User::default() };
        assert_eq!(crate::apply_update(Dialect::Primavera, &stored, &none, &body).products.len(), 2);
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut target, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
        let mut target = json!({"a": [1]});
        merge_patch(&mut target, &json!({"a": {"b": "c"}, "x": null}));
        assert_eq!(target, json!({"a": {"b": "c"}}));
    }
}
