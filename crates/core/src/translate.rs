//! Translation `A → canonical → B`, with the exact list of what B cannot hold.
//!
//! The loss list is computed from the rows, not declared: what the target's rows keep of the user
//! ([`crate::DialectSpec::view`]), as the source's rows keep it in turn (A → B → A, without
//! building either body), is compared leaf by leaf with the source's user. A leaf that did not come back is `lost` (`not_supported`); one that came back
//! different is `lost` (`narrowed`, e.g. publisher `suspended` becoming primavera `INACTIVE`).
//! Comparing as the source sees it matters where the canonical user has two homes for one fact
//! (a SCIM photo is also the canonical `image` that learningcloud keeps). So the list cannot
//! drift from the mappings.

use crate::canonical::{Locale, User};
use crate::dialect::{Dialect, DialectSpec, Op};
use crate::report::{Report, Text, Violation, push_index};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Why a source field is not in the target body as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossReason {
    /// The target has no field for it.
    NotSupported,
    /// The target holds a coarser value (an enumeration with fewer values, a shorter locale).
    Narrowed,
}

/// A source field the target cannot hold as given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lost {
    /// Pointer in the source body.
    pub pointer: Text,
    /// Pointer in the canonical user (stable across dialects); empty for a request option, which
    /// has no canonical home ([`crate::Field::option`]).
    pub canonical: Text,
    pub reason: LossReason,
    /// What the target holds instead, for `narrowed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_value: Option<Value>,
}

/// The outcome of a translation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    /// The body in the target dialect.
    pub body: Value,
    pub lost: Vec<Lost>,
    /// Source fields the source dialect does not define (ignored by its vendor, too).
    pub ignored: Vec<String>,
    /// Target rules the body does not meet, typically required fields the source did not have
    /// (a proxy fills them from the upstream's record or answers 400).
    pub unmet: Vec<Violation>,
}

/// Translates a body from one dialect to another. Invalid input gives its report.
pub fn translate(from: Dialect, to: Dialect, op: Op, input: &Value) -> Result<Translation, Report> {
    translate_with(from.spec(), to.spec(), op, input)
}

/// [`translate`] between two dialect modules given by type (or as trait objects).
pub fn translate_with<A, B>(from: &A, to: &B, op: Op, input: &Value) -> Result<Translation, Report>
where
    A: DialectSpec + ?Sized,
    B: DialectSpec + ?Sized,
{
    let (source, prefix) = from.prepare(op, input);
    let report = crate::validate_prepared(from, op, &source, prefix);
    if !report.is_valid() {
        return Err(report);
    }
    let user = from.to_canonical(op, &source)?;
    let body = to.from_canonical(op, &user);
    // What the target keeps, as the source would read it back (A → B → A), from the rows.
    let back = from.view(op, &to.view(op, &user));
    let leaves = losses(&user, &back);
    let mut lost: Vec<Lost> = Vec::with_capacity(leaves.len());
    // Gathered only when something is lost (an identity translation loses nothing).
    let homes = crate::mapping::Homes::of(if leaves.is_empty() { &[] } else { from.fields(op) });
    for (canonical, reason, target_value) in leaves {
        let wire = from.wire_pointer_among(op, &user, &canonical, &homes).unwrap_or_else(|| canonical.clone());
        let pointer = if prefix.is_empty() { wire } else { format!("{prefix}{wire}").into() };
        // Several canonical leaves can come from one wire field (an email's value and primary
        // flag): the first stays. A pairwise search, not a sort: sorting cost the Worker 5.7 KB of
        // wasm for a few per cent of a translation. Compared a word at a time: `==` calls
        // `memcmp` per pair.
        if !lost.iter().any(|l| crate::fields::same(&l.pointer, &pointer)) {
            lost.push(Lost { pointer, canonical, reason, target_value });
        }
    }
    // Request options have no canonical home: the same dialect takes them as sent; another has no
    // such option, so they are lost (with no canonical pointer).
    let mut body = body;
    for option in from.fields(op).iter().filter(|f| f.option) {
        let Some(value) = source.pointer(option.pointer) else { continue };
        if from.name() == to.name() {
            if let Some(place) = crate::mapping::slot(&mut body, option.pointer) {
                *place = value.clone();
            }
        } else {
            let pointer =
                if prefix.is_empty() { option.pointer.into() } else { format!("{prefix}{}", option.pointer).into() };
            lost.push(Lost {
                pointer,
                canonical: Text::default(),
                reason: LossReason::NotSupported,
                target_value: None,
            });
        }
    }
    // The body is written in the target's own spelling from its rows: nothing to prepare, and no
    // key the rows do not define.
    let unmet = crate::violations_of_own_body(to, op, &body);
    Ok(Translation { body, lost, ignored: report.ignored, unmet })
}

/// The canonical leaves of `source` that `back` does not hold equally.
///
/// Members are compared typed first. One the target dropped whole is walked typed
/// ([`crate::leaves`]); one it holds differently is written as JSON and diffed leaf by leaf. Both
/// list leaves in the JSON form's (alphabetical) order.
pub fn losses(source: &User, back: &User) -> Vec<(Text, LossReason, Option<Value>)> {
    let mut out = Losses { list: Vec::new(), pointer: String::new(), member: "" };
    macro_rules! members {
        ($($field:ident),* $(,)?) => {$(
            let key = concat!("/", stringify!($field));
            match stringify!($field) {
                // `en_US` and `en-US` are one locale: reading back `en-US` for `en_US` loses nothing.
                "language" => out.member(key, &spelled_alike(&source.language), &spelled_alike(&back.language)),
                "locale" => out.member(key, &spelled_alike(&source.locale), &spelled_alike(&back.locale)),
                // Members held as JSON already are compared as they are, without a copy.
                "data" => out.json_member(key, source.data.as_ref(), back.data.as_ref()),
                "extra" => out.json_member(key, source.extra.as_ref(), back.extra.as_ref()),
                _ => {
                    if source.$field != back.$field {
                        out.member(key, &source.$field, &back.$field);
                    }
                }
            }
        )*};
    }
    members!(
        access,
        addresses,
        all_device_types_available,
        auth_source,
        bio,
        company_id,
        cost_center,
        data,
        department,
        display_name,
        division,
        emails,
        employee_number,
        entitlements,
        extended_fields,
        external_id,
        extra,
        federated_user,
        global_profile_id,
        id,
        image,
        ims,
        interests,
        intro_reviewed,
        job_title,
        language,
        ldap_guid,
        links,
        locale,
        location,
        manager,
        name,
        nick_name,
        office_ids,
        organization,
        password,
        phones,
        photos,
        products,
        profile_url,
        roles,
        scim_roles,
        secretary,
        specialities,
        status,
        timezone,
        uid,
        user_type,
        username,
        x509_certificates,
    );
    out.list
}

/// The loss list being built, and the pointer of the leaf being compared.
struct Losses {
    list: Vec<(Text, LossReason, Option<Value>)>,
    /// One buffer for every member's walk.
    pointer: String,
    /// The member being walked (`/name`), for [`crate::leaves`].
    member: &'static str,
}

impl crate::leaves::Sink for Losses {
    fn pointer(&mut self) -> &mut String {
        &mut self.pointer
    }
    fn leaf(&mut self) {
        self.push(self.member, LossReason::NotSupported, None);
    }
    fn emitted(&self) -> usize {
        self.list.len()
    }
    fn rotate_right(&mut self, range: std::ops::Range<usize>, by: usize) {
        self.list[range].rotate_right(by);
    }
    fn truncate(&mut self, len: usize) {
        self.list.truncate(len);
    }
}

/// Counts leaves: a value with none is one the JSON form leaves out.
#[derive(Default)]
struct Count {
    pointer: String,
    leaves: usize,
}

impl crate::leaves::Sink for Count {
    fn pointer(&mut self) -> &mut String {
        &mut self.pointer
    }
    fn leaf(&mut self) {
        self.leaves += 1;
    }
    fn emitted(&self) -> usize {
        self.leaves
    }
    fn rotate_right(&mut self, _: std::ops::Range<usize>, _: usize) {}
    fn truncate(&mut self, len: usize) {
        self.leaves = len;
    }
}

/// Whether the JSON form of `v` leaves it out (none, empty); `None`: it cannot be told so.
fn left_out<T: Serialize>(v: &T) -> Option<bool> {
    let mut count = Count::default();
    crate::leaves::walk(v, &mut count).ok()?;
    Some(count.leaves == 0)
}

impl Losses {
    /// The leaves of one member (`key`: `/name`, as the canonical user's JSON form spells it) of
    /// the source user that the member read back does not hold equally. A member the JSON form
    /// leaves out (none, empty) has no leaves.
    fn member<T: Serialize + PartialEq>(&mut self, key: &'static str, a: &T, b: &T) {
        if a == b {
            return;
        }
        // Dropped whole (most lost members): every leaf of `a`, walked typed.
        if left_out(b) == Some(true) {
            self.start(key);
            self.member = key;
            if crate::leaves::walk(a, self).is_ok() {
                return;
            }
        }
        let a = serde_json::to_value(a).unwrap_or(Value::Null);
        if is_empty(&a) {
            return;
        }
        let b = serde_json::to_value(b).unwrap_or(Value::Null);
        self.start(key);
        self.diff(key, &a, Some(&b));
    }

    /// [`Losses::member`] for a member held as JSON: no copy to walk it.
    fn json_member(&mut self, key: &'static str, a: Option<&Value>, b: Option<&Value>) {
        let Some(a) = a.filter(|a| !is_empty(a)) else { return };
        if Some(a) == b {
            return;
        }
        self.start(key);
        self.diff(key, a, b);
    }

    /// The pointer buffer set to a member's key. Sized once, on the first loss: grown from the
    /// key it was reallocated once or twice per deeper leaf.
    fn start(&mut self, key: &'static str) {
        self.pointer.clear();
        if self.pointer.capacity() == 0 {
            self.pointer.reserve(64);
        }
        self.pointer.push_str(key);
    }

    /// The leaf at the current pointer: the member itself (most losses) is its key, borrowed.
    fn push(&mut self, key: &'static str, reason: LossReason, target: Option<Value>) {
        // Room for a typical loss list at once: grown from nothing it is reallocated at 4, 8, 16.
        if self.list.capacity() == 0 {
            self.list.reserve(16);
        }
        let pointer = if self.pointer.len() == key.len() { Text::from(key) } else { Text::from(self.pointer.clone()) };
        self.list.push((pointer, reason, target));
    }

    fn diff(&mut self, key: &'static str, a: &Value, b: Option<&Value>) {
        let len = self.pointer.len();
        match (a, b) {
            (_, None) | (_, Some(Value::Null)) => self.leaves(key, a),
            (Value::Object(ma), Some(Value::Object(mb))) if !ma.is_empty() => {
                for (k, va) in ma {
                    crate::report::push_key(&mut self.pointer, k);
                    self.diff(key, va, mb.get(k));
                    self.pointer.truncate(len);
                }
            }
            (Value::Array(xa), Some(Value::Array(xb))) if !xa.is_empty() => {
                // Elements are matched, not compared by index: a single-email target keeps the
                // primary address, which need not be the first. Exact and same-key matches claim
                // their partners first; elements without a key (addresses) then pair by place.
                let mut partner: Vec<Option<usize>> = vec![None; xa.len()];
                let mut used = vec![false; xb.len()];
                for (i, va) in xa.iter().enumerate() {
                    let exact = (0..xb.len()).find(|&j| !used[j] && xb[j] == *va);
                    if let Some(j) = exact.or_else(|| (0..xb.len()).find(|&j| !used[j] && same_key(va, &xb[j]))) {
                        used[j] = true;
                        partner[i] = Some(j);
                    }
                }
                for (i, va) in xa.iter().enumerate() {
                    if partner[i].is_none() && i < xb.len() && !used[i] && va.is_object() && !has_key(va) {
                        used[i] = true;
                        partner[i] = Some(i);
                    }
                }
                for (i, va) in xa.iter().enumerate() {
                    push_index(&mut self.pointer, i);
                    match partner[i] {
                        Some(j) => self.diff(key, va, Some(&xb[j])),
                        None => self.leaves(key, va),
                    }
                    self.pointer.truncate(len);
                }
            }
            (va, Some(vb)) if va == vb => {}
            // Shapes differ (object vs scalar): everything under `a` is narrowed.
            (_, Some(_)) if a.is_object() || a.is_array() => self.leaves(key, a),
            (_, Some(vb)) => self.push(key, LossReason::Narrowed, Some(vb.clone())),
        }
    }

    fn leaves(&mut self, key: &'static str, v: &Value) {
        let len = self.pointer.len();
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, c) in m {
                    crate::report::push_key(&mut self.pointer, k);
                    self.leaves(key, c);
                    self.pointer.truncate(len);
                }
            }
            Value::Array(xs) if !xs.is_empty() => {
                for (i, c) in xs.iter().enumerate() {
                    push_index(&mut self.pointer, i);
                    self.leaves(key, c);
                    self.pointer.truncate(len);
                }
            }
            _ => self.push(key, LossReason::NotSupported, None),
        }
    }
}

/// Whether the JSON form leaves a value out (none, empty): it has no leaves.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// A known locale written one way.
fn spelled_alike(locale: &Option<Locale>) -> Option<Locale> {
    locale.as_ref().map(|l| if l.is_known() { Locale::verbatim(l.normalized()) } else { l.clone() })
}

const KEYS: [&str; 2] = ["value", "name"];

/// Two array elements describe the same thing when their `value` (or `name`) agrees.
fn same_key(a: &Value, b: &Value) -> bool {
    KEYS.iter().any(|k| a.get(k).is_some() && a.get(k) == b.get(k))
}

fn has_key(a: &Value) -> bool {
    KEYS.iter().any(|k| a.get(k).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::{Email, EmailAddress, Status};
    use crate::dialect::Dialect;

    fn email(s: &str, primary: bool) -> Email {
        Email {
            value: EmailAddress::try_from(s).unwrap_or_else(|_| unreachable!()),
            kind: None,
            primary: primary.then_some(true),
        }
    }

    #[test]
    fn identical_users_lose_nothing() {
        let u = User { username: Some("a".into()), status: Some(Status::Active), ..User::default() };
        assert!(losses(&u, &u.clone()).is_empty());
    }

    #[test]
    fn missing_and_narrowed_leaves() {
        let src = User { username: Some("a".into()), status: Some(Status::Suspended), ..User::default() };
        let back = User { status: Some(Status::Inactive), ..User::default() };
        let l = losses(&src, &back);
        assert_eq!(l.len(), 2);
        assert!(l.contains(&("/username".into(), LossReason::NotSupported, None)));
        assert!(l.contains(&("/status".into(), LossReason::Narrowed, Some(Value::from("inactive")))));
    }

    #[test]
    fn array_elements_are_matched_not_indexed() {
        let src = User { emails: vec![email("w@x.org", false), email("h@x.org", true)], ..User::default() };
        let back = User { emails: vec![email("h@x.org", true)], ..User::default() };
        assert_eq!(losses(&src, &back), vec![("/emails/0/value".into(), LossReason::NotSupported, None)]);
    }

    /// The leaves of a JSON value, as the JSON walk lists them (`leaves` above, for pointers).
    fn json_leaves(v: &Value, pointer: &mut String, out: &mut Vec<String>) {
        let len = pointer.len();
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, c) in m {
                    crate::report::push_key(pointer, k);
                    json_leaves(c, pointer, out);
                    pointer.truncate(len);
                }
            }
            Value::Array(xs) if !xs.is_empty() => {
                for (i, c) in xs.iter().enumerate() {
                    push_index(pointer, i);
                    json_leaves(c, pointer, out);
                    pointer.truncate(len);
                }
            }
            _ => out.push(pointer.clone()),
        }
    }

    /// Collects what the typed walk emits.
    #[derive(Default)]
    struct Pointers {
        pointer: String,
        list: Vec<String>,
    }

    impl crate::leaves::Sink for Pointers {
        fn pointer(&mut self) -> &mut String {
            &mut self.pointer
        }
        fn leaf(&mut self) {
            self.list.push(self.pointer.clone());
        }
        fn emitted(&self) -> usize {
            self.list.len()
        }
        fn rotate_right(&mut self, range: std::ops::Range<usize>, by: usize) {
            self.list[range].rotate_right(by);
        }
        fn truncate(&mut self, len: usize) {
            self.list.truncate(len);
        }
    }

    /// Every canonical user the fixtures make, and a few shapes they do not have (an inline
    /// image, a struct whose fields are all empty, maps).
    fn users() -> Vec<User> {
        let mut users = Vec::new();
        for dialect in Dialect::ALL {
            for op in [Op::Create, Op::Update] {
                let path = format!("{}/tests/fixtures/{dialect}/{op}.json", env!("CARGO_MANIFEST_DIR"));
                let Ok(text) = std::fs::read_to_string(&path) else { continue };
                let user =
                    serde_json::from_str::<Value>(&text).ok().and_then(|b| crate::to_canonical(dialect, op, &b).ok());
                assert!(user.is_some(), "{path} reads as a user");
                users.extend(user);
            }
        }
        let mut odd = users[0].clone();
        odd.image = Some(crate::canonical::Image::Inline { base64: "AA==".into(), mime_type: "image/png".into() });
        odd.organization = Some(crate::canonical::Organization::default());
        odd.roles.insert("management".into(), vec![]);
        odd.roles.insert("b".into(), vec!["x".into()]);
        odd.data = Some(serde_json::json!({"z": [], "a": {"10": 1, "9": {}}, "m": null}));
        users.push(odd);
        users
    }

    /// The members a translation drops most often are walked typed, not as JSON (the walk
    /// gives up only on shapes the canonical user does not have).
    #[test]
    fn members_are_walked_typed() {
        for user in users() {
            let mut walked = Pointers::default();
            let typed = [
                crate::leaves::walk(&user.name, &mut walked),
                crate::leaves::walk(&user.emails, &mut walked),
                crate::leaves::walk(&user.phones, &mut walked),
                crate::leaves::walk(&user.addresses, &mut walked),
                crate::leaves::walk(&user.image, &mut walked),
                crate::leaves::walk(&user.roles, &mut walked),
                crate::leaves::walk(&user.products, &mut walked),
                crate::leaves::walk(&user.links, &mut walked),
                crate::leaves::walk(&user.organization, &mut walked),
            ];
            assert!(typed.iter().all(Result::is_ok), "{user:?}");
        }
    }

    /// A member is left out of the JSON form exactly when the walk finds no leaf in it.
    #[test]
    fn a_member_without_leaves_is_one_the_json_form_leaves_out() {
        let u = &users()[0];
        assert_eq!(left_out(&None::<String>), Some(true));
        assert_eq!(left_out(&Vec::<i64>::new()), Some(true));
        assert_eq!(left_out(&Some(crate::canonical::Organization::default())), Some(true));
        assert_eq!(left_out(&u.username), Some(u.username.is_none()));
        assert_eq!(left_out(&u.emails), Some(u.emails.is_empty()));
        assert_eq!(left_out(&Some(2)), Some(false));
    }

    /// Every member lost whole (against an empty user) is listed as the JSON walk lists it, in
    /// its order (keys sorted at every level, whatever order a struct declares its fields in):
    /// the typed walk and the JSON walk give one list.
    #[test]
    fn members_lost_whole_are_listed_as_the_json_form_lists_them() {
        for user in users() {
            let listed: Vec<String> =
                losses(&user, &User::default()).into_iter().map(|(p, _, _)| p.into_string()).collect();
            let json = serde_json::to_value(&user).unwrap_or_default();
            let mut expected = Vec::new();
            for (key, value) in json.as_object().into_iter().flatten() {
                if !is_empty(value) {
                    json_leaves(value, &mut format!("/{key}"), &mut expected);
                }
            }
            assert_eq!(listed, expected);
        }
    }
}
