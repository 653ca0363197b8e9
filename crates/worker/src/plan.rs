//! Proxy mode's write planning: a caller's update said with the upstream's own operations, in as
//! few calls as its semantics allow (docs/proxy.md#write-plans).
//!
//! The input is the upstream's current record (as the facade read it) and the user the caller's
//! route computed (its change merged into that record). The change set is what differs between
//! the two *as the upstream holds them* — each side written in the upstream's update shape and
//! read back — so a field the upstream cannot hold (DeviceHive `data` for learningcloud) is never
//! a change: it is lost (`X-Userbridge-Lost`), and never blocks the write.
//!
//! | Upstream | status | password | other fields |
//! |---|---|---|---|
//! | learningcloud | `PUT …/activate` or `…/deactivate` | `PUT …/changePassword` | the full `PUT` (status goes in it) |
//! | publisher | `POST …/archive` to archive | — (not held) | the full `PUT` |
//! | primavera | partial `PUT` | — (not held) | partial `PUT` with the changed fields (and the three it always requires) |
//! | DeviceHive | partial `PUT` | in the partial `PUT` | partial `PUT` with only the changed fields |
//! | SCIM | `PATCH` | in the `PATCH` | `PATCH` with only the changed attributes |
//!
//! An empty change set is no write at all.

use serde_json::{Map, Value, json};
use userbridge_core::canonical::{Password, Status};
use userbridge_core::{Dialect, Op, User};

use crate::endpoints::{self, Update};

/// The PatchOp message URN (RFC 7644 §3.5.2).
const SCIM_PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// One upstream write.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// learningcloud `PUT …/activate` (`Active`) or `…/deactivate` (any other); publisher
    /// `POST …/archive` (`Archived`).
    Status(Status),
    /// learningcloud `PUT …/changePassword`.
    Password(Password),
    /// The upstream's partial update with only the changed fields: a primavera or DeviceHive
    /// `PUT` body, or a SCIM `PATCH` message.
    Partial(Value),
    /// A partial update that must also carry fields the change did not touch (primavera's update
    /// requires `email`, `firstName` and `lastName` in every body): it writes them back as the
    /// record had them, so, like a full replacement, it must be guarded.
    PartialRewrite(Value),
    /// The upstream's full replacement (learningcloud and publisher `PUT`; SCIM `PUT` when a
    /// PATCH could not say the change): the whole user, the password (if any) in it.
    Replace(Box<User>),
}

impl Write {
    /// Whether the write replaces the whole record, so a change another writer made since the
    /// record was read would be undone: the write must be guarded (`If-Match`, or a re-read).
    pub fn replaces(&self) -> bool {
        matches!(self, Write::Replace(_) | Write::PartialRewrite(_))
    }
}

/// The writes that take the upstream from `current` to `next` (plus `password`, write-only), in
/// the order they are to be sent.
pub fn plan(dialect: Dialect, current: &User, next: &User, password: Option<&Password>) -> Vec<Write> {
    let cur = held(dialect, current);
    let nxt = held(dialect, next);
    // A status the caller left unset is no change (an update never clears a status).
    let status_change = nxt.status.filter(|s| cur.status != Some(*s));
    let rest_differs = {
        let (mut a, mut b) = (cur.clone(), nxt.clone());
        a.status = None;
        b.status = None;
        a != b
    };
    let api = endpoints::api(dialect);
    let mut writes = Vec::new();
    match api.update {
        Update::Full => {
            // A status change alone is its own action where the API has one (learningcloud's
            // activate/deactivate, publisher's archive); anything else is the full PUT.
            match status_change {
                Some(status) if !rest_differs && api.has_status_action(status) => {
                    writes.push(Write::Status(status));
                }
                _ if rest_differs || status_change.is_some() => {
                    writes.push(Write::Replace(Box::new(without_password(next))));
                }
                _ => {}
            }
            // The update body has no password: learningcloud changes it with its own call;
            // publisher holds none.
            if let (Some(p), Some(_)) = (password, api.password_action) {
                writes.push(Write::Password(p.clone()));
            }
        }
        Update::Partial => {
            let mut next = next.clone();
            next.password = password.cloned();
            let next = wire(dialect, &next);
            let mut body = changed_fields(dialect, &wire(dialect, current), &next);
            if !body.is_empty() {
                // What the update requires in every body (primavera: email, firstName, lastName)
                // goes along unchanged, from the record.
                let mut rewrites = false;
                for field in userbridge_core::fields(dialect, Op::Update).iter().filter(|f| f.required) {
                    let key = field.pointer.trim_start_matches('/');
                    if let (false, Some(value), false) = (key.contains('/'), next.get(key), body.contains_key(key)) {
                        body.insert(key.to_owned(), value.clone());
                        rewrites = true;
                    }
                }
                let body = Value::Object(body);
                writes.push(if rewrites { Write::PartialRewrite(body) } else { Write::Partial(body) });
            }
        }
        Update::Patch => {
            let mut next = next.clone();
            next.password = password.cloned();
            match scim_patch(&wire(dialect, current), &wire(dialect, &next)) {
                Some(ops) if ops.is_empty() => {}
                Some(ops) => writes.push(Write::Partial(json!({ "schemas": [SCIM_PATCH_OP], "Operations": ops }))),
                None => writes.push(Write::Replace(Box::new(next))),
            }
        }
    }
    writes
}

/// The user as the upstream's update shape holds it: written in that shape and read back.
pub fn held(dialect: Dialect, user: &User) -> User {
    let spec = dialect.spec();
    let mut user = user.clone();
    user.id = None;
    user.uid = None;
    user.password = None;
    let body = spec.from_canonical(Op::Update, &user);
    let mut held = spec.to_canonical(Op::Update, &spec.prepare(Op::Update, &body).0).unwrap_or_default();
    held.id = None;
    held.uid = None;
    held.password = None;
    held
}

fn wire(dialect: Dialect, user: &User) -> Value {
    let mut user = user.clone();
    user.id = None;
    user.uid = None;
    dialect.spec().from_canonical(Op::Update, &user)
}

fn without_password(user: &User) -> User {
    User { password: None, ..user.clone() }
}

/// The top-level fields of `next` whose value differs from `current`'s. A field `next` no longer
/// has is sent as `null` only where the dialect's update clears with it (DeviceHive `data`);
/// elsewhere a partial update cannot clear a field, as the dialect's own callers cannot either.
fn changed_fields(dialect: Dialect, current: &Value, next: &Value) -> Map<String, Value> {
    let empty = Map::new();
    let cur = current.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    for (key, value) in next.as_object().unwrap_or(&empty) {
        if cur.get(key) != Some(value) {
            out.insert(key.clone(), value.clone());
        }
    }
    for key in endpoints::api(dialect).cleared_by_null {
        if cur.contains_key(*key) && next.get(*key).is_none() {
            out.insert((*key).to_owned(), Value::Null);
        }
    }
    out
}

/// RFC 7644 §3.5.2 operations taking `current` to `next` (both SCIM resources): `replace` for
/// each changed attribute, `remove` for each attribute `next` no longer has. `None` when a PATCH
/// cannot say it plainly (an extension schema's attributes changed): then a full PUT does.
fn scim_patch(current: &Value, next: &Value) -> Option<Vec<Value>> {
    let empty = Map::new();
    let cur = current.as_object().unwrap_or(&empty);
    let nxt = next.as_object().unwrap_or(&empty);
    let skip = |key: &str| matches!(key, "schemas" | "id" | "meta");
    let mut ops = Vec::new();
    for (key, value) in nxt {
        if skip(key) || cur.get(key) == Some(value) {
            continue;
        }
        if key.starts_with("urn:") {
            return None;
        }
        ops.push(json!({ "op": "replace", "path": key, "value": value }));
    }
    for key in cur.keys() {
        if skip(key) || nxt.contains_key(key) {
            continue;
        }
        if key.starts_with("urn:") {
            return None;
        }
        ops.push(json!({ "op": "remove", "path": key }));
    }
    Some(ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use userbridge_core::canonical::Access;

    /// A canonical user from its /v1 JSON (an unreadable one is the default user: the assertions
    /// then fail, saying so).
    fn user(value: Value) -> User {
        serde_json::from_str(&value.to_string()).unwrap_or_default()
    }

    fn dh_user() -> User {
        User {
            username: Some("ada".into()),
            access: Some(Access::Client),
            status: Some(Status::Active),
            ..User::default()
        }
    }

    #[test]
    fn learningcloud_status_is_deactivate_and_data_is_no_write() {
        let current = held(Dialect::LearningCloud, &dh_user());
        let mut next = current.clone();
        next.status = Some(Status::Inactive);
        next.data = Some(json!({"a": 1}));
        assert_eq!(plan(Dialect::LearningCloud, &current, &next, None), vec![Write::Status(Status::Inactive)]);
        let mut data_only = current.clone();
        data_only.data = Some(json!({"b": 2}));
        assert_eq!(plan(Dialect::LearningCloud, &current, &data_only, None), vec![]);
    }

    #[test]
    fn learningcloud_password_is_change_password_and_a_rename_is_the_full_put() {
        let current = held(Dialect::LearningCloud, &dh_user());
        let password = Password::new("secret123");
        assert_eq!(
            plan(Dialect::LearningCloud, &current, &current, Some(&password)),
            vec![Write::Password(password.clone())]
        );
        let mut renamed = current.clone();
        renamed.username = Some("grace".into());
        renamed.status = Some(Status::Inactive);
        let writes = plan(Dialect::LearningCloud, &current, &renamed, None);
        assert!(matches!(writes.as_slice(), [Write::Replace(u)] if u.status == Some(Status::Inactive)), "{writes:?}");
    }

    #[test]
    fn devicehive_and_primavera_send_only_what_changed() {
        let current = held(Dialect::DeviceHive, &User { data: Some(json!({"x": 1})), ..dh_user() });
        let mut next = current.clone();
        next.status = Some(Status::Inactive);
        assert_eq!(plan(Dialect::DeviceHive, &current, &next, None), vec![Write::Partial(json!({"status": 2}))]);
        next.data = None;
        assert_eq!(
            plan(Dialect::DeviceHive, &current, &next, None),
            vec![Write::Partial(json!({"status": 2, "data": null}))]
        );
        let pv = user(json!({
            "company_id": 7, "name": {"given": "Ada", "family": "L"},
            "emails": [{"value": "ada@example.org", "primary": true}],
        }));
        let current = held(Dialect::Primavera, &pv);
        let mut next = current.clone();
        next.status = Some(Status::Inactive);
        let writes = plan(Dialect::Primavera, &current, &next, None);
        // The change, and what primavera's update requires in every body (as the record has it).
        let body = json!({"status": "INACTIVE", "email": "ada@example.org", "firstName": "Ada", "lastName": "L"});
        assert_eq!(writes, vec![Write::PartialRewrite(body)]);
    }

    #[test]
    fn scim_patches_the_changed_attributes() {
        let current = held(Dialect::Scim, &dh_user());
        let mut next = current.clone();
        next.status = Some(Status::Inactive);
        let writes = plan(Dialect::Scim, &current, &next, None);
        assert_eq!(
            writes,
            vec![Write::Partial(json!({
                "schemas": [SCIM_PATCH_OP],
                "Operations": [{"op": "replace", "path": "active", "value": false}],
            }))]
        );
        assert_eq!(plan(Dialect::Scim, &current, &current, None), vec![]);
    }

    #[test]
    fn publisher_archives() {
        let current = held(
            Dialect::Publisher,
            &user(json!({"emails": [{"value": "a@example.org", "primary": true}], "status": "active"})),
        );
        let mut next = current.clone();
        next.status = Some(Status::Archived);
        assert_eq!(plan(Dialect::Publisher, &current, &next, None), vec![Write::Status(Status::Archived)]);
        next.status = Some(Status::Inactive);
        assert!(matches!(plan(Dialect::Publisher, &current, &next, None).as_slice(), [Write::Replace(_)]));
    }
}
