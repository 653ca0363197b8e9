//! Proxy mode's directory: the same operations as the D1 store, answered by the upstream.
//!
//! The routes do not know which directory they talk to: [`crate::directory::Directory`] is this
//! proxy when `UPSTREAM_URL` is set. What this module adds to the upstream client is identity: the
//! facade gives every upstream user its own numeric id and 32-hex uid (a row in `upstream_users`,
//! migration 0005), so each caller sees ids in its own format whatever the upstream uses.
//!
//! * A user created through the facade is mapped at creation; a write that fails upstream leaves
//!   no row behind.
//! * A username or email the facade has not seen is looked up with the upstream's own lookup
//!   (where its API has one) and mapped then.
//! * Every read goes upstream (once per request); the version a caller gets is a fingerprint of
//!   the upstream record.
//! * An update is a plan of the upstream's own operations ([`crate::plan`]): only what changed.
//!   A write that replaces what it did not change is guarded — the record is re-read and a change
//!   since is refused (then `modify` retries once, then 409), or on SCIM the write carries the
//!   record's `ETag` as `If-Match`; a partial or targeted write is guarded only under the
//!   caller's `If-Match` ([`Proxy::update`], docs/proxy.md#concurrency). The record is read back
//!   only when the caller's answer shows it and the write's answer does not carry it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::Deserialize;
use userbridge_core::canonical::Password;
use userbridge_core::{Op, User};
use worker::D1Database;
use worker::wasm_bindgen::JsValue;

use crate::crypto;
use crate::plan::{self, Write};
use crate::trip::Trip;
use crate::upstream::{Lookup, Remote, Upstream, UpstreamError};
use crate::users::{Filter, Key, Order, StoreError, Stored, Unique, now};

const COLUMNS: &str = "id, uid, upstream_id, username_key, email_key, created_at, updated_at";

#[derive(Clone, Deserialize)]
struct Mapping {
    id: i64,
    uid: String,
    upstream_id: String,
    username_key: Option<String>,
    email_key: Option<String>,
    created_at: String,
    updated_at: String,
}

/// Above this many entries the isolate's row cache starts over (it is a cache, not a mirror).
const CACHED_ROWS: usize = 10_000;

thread_local! {
    /// Mapping rows this isolate has seen, by scope and key, saving a D1 query per request. Safe
    /// to be stale: an id and its uid and upstream id never change once given; a row found by
    /// username or email is checked against the upstream record (`still_matches`) before it is
    /// trusted; and a user gone upstream is dropped on its 404. A stale entry costs at most an
    /// upstream call, never a wrong answer.
    static ROWS: RefCell<HashMap<String, Mapping>> = RefCell::default();
}

fn cache_key(scope: &str, key: &Key) -> Option<String> {
    Some(match key {
        Key::Id(id) => format!("{scope}\nid\n{id}"),
        Key::Uid(uid) => format!("{scope}\nuid\n{uid}"),
        Key::Username(u) => format!("{scope}\nusername\n{}", u.to_lowercase()),
        Key::Email(e) => format!("{scope}\nemail\n{}", e.to_lowercase()),
        Key::LdapGuid(_) => return None,
    })
}

pub struct Proxy {
    db: D1Database,
    upstream: Upstream,
    /// The upstream's dialect and URL: mapping rows belong to one upstream.
    scope: String,
    trip: Rc<Trip>,
    /// Upstream records this request has read, by upstream id: a route that finds a user and then
    /// modifies it reads it once. A write's own check ([`Proxy::fetch`]) always re-reads.
    seen: RefCell<HashMap<String, Remote>>,
}

impl Proxy {
    pub fn new(db: D1Database, upstream: Upstream, scope: String, trip: Rc<Trip>) -> Proxy {
        Proxy { db, upstream, scope, trip, seen: RefCell::default() }
    }

    /// See [`crate::directory::Directory::expect_version`].
    pub fn expect_version(&self) {
        self.trip.if_match.set(true);
    }

    pub async fn create(&self, user: &User, password: Option<&Password>) -> Result<Stored, StoreError> {
        let send = outgoing(user, password);
        self.note_lost(Op::Create, &send);
        let remote = self.upstream.create(&send, !self.trip.answer_without_record.get()).await?;
        let row = self.remember(&remote).await?;
        Ok(stored(row, remote))
    }

    pub async fn find(&self, key: &Key) -> Result<Option<Stored>, StoreError> {
        Ok(self.resolve(key).await?.map(|(row, remote)| stored(row, remote)))
    }

    /// Writes `user` (the caller's change merged into the upstream record) as a plan of the
    /// upstream's own operations ([`crate::plan`]): only what differs from the record the request
    /// read, by the most specific operation the upstream has.
    ///
    /// Concurrency (docs/proxy.md#concurrency): a full replacement (or a partial update that must
    /// carry fields it did not change, as primavera's) would undo a change another writer made
    /// since the record was read, so it is guarded — by `If-Match` where the
    /// upstream has ETags (SCIM), else by a re-read that must still show the version the caller
    /// saw (a change is [`StoreError::VersionMismatch`]: `modify` retries once, then 409). A
    /// partial or targeted write (activate, changePassword, a DeviceHive or primavera partial
    /// `PUT`, a SCIM `PATCH`) carries only this request's changes, so it cannot undo anyone
    /// else's; it is guarded only when the caller asked with `If-Match`.
    pub async fn update(
        &self,
        id: i64,
        expected_version: Option<i64>,
        user: &User,
        password: Option<&Password>,
    ) -> Result<Stored, StoreError> {
        let row = self.row(&Key::Id(id)).await?.ok_or(StoreError::NotFound)?;
        let seen = self.seen.borrow().get(&row.upstream_id).cloned();
        let (mut current, fresh) = match seen {
            Some(remote) => (remote, false),
            None => (self.fetch(&row).await?, true),
        };
        if expected_version.is_some_and(|v| v != current.fingerprint()) {
            return Err(StoreError::VersionMismatch);
        }
        let send = outgoing(user, None);
        self.note_lost(Op::Update, &outgoing(user, password));
        let dialect = self.upstream.dialect();
        let writes = plan::plan(dialect, &current.user, &send, password);
        let guarded = writes.iter().any(Write::replaces) || (self.trip.if_match.get() && !writes.is_empty());
        // Only SCIM's API promises to honour `If-Match`; another vendor's `ETag` is not relied on.
        let honours_if_match = crate::endpoints::api(dialect).honours_if_match;
        if guarded && !(honours_if_match && current.etag.is_some()) && !fresh {
            // No ETag to send: the record must still be the one the caller's change was made to.
            let now = self.fetch(&row).await?;
            if now.fingerprint() != current.fingerprint() {
                return Err(StoreError::VersionMismatch);
            }
            current = now;
        }
        // SCIM gets `If-Match` whenever the record's `ETag` is known: it costs no call, and a
        // change since the read is then refused (412 → retried once by `modify`, then 409).
        let etag = if honours_if_match { current.etag.clone() } else { None };
        let mut answered = None;
        for write in &writes {
            match self.upstream.write(&row.upstream_id, write, etag.as_deref()).await {
                Err(UpstreamError::Changed) => {
                    // The next attempt must read the record afresh.
                    self.seen.borrow_mut().remove(&row.upstream_id);
                    return Err(StoreError::VersionMismatch);
                }
                Err(UpstreamError::NotFound) => {
                    self.seen.borrow_mut().remove(&row.upstream_id);
                    self.forget(row.id).await?;
                    return Err(StoreError::NotFound);
                }
                Ok(record) => answered = record.or(answered),
                Err(e) => return Err(e.into()),
            }
        }
        let after = match answered {
            _ if writes.is_empty() => current,
            Some(remote) => remote,
            None if self.trip.answer_without_record.get() => {
                // The answer shows none of it: what the upstream now holds, as planned.
                self.seen.borrow_mut().remove(&row.upstream_id);
                Remote { id: row.upstream_id.clone(), user: plan::held(dialect, &send), etag: None }
            }
            None => self.fetch(&row).await?,
        };
        if !writes.is_empty() && after.etag.is_some() {
            self.seen.borrow_mut().insert(row.upstream_id.clone(), after.clone());
        }
        let row = self.touch(row, &after.user).await?;
        Ok(stored(row, after))
    }

    /// Users for a list route. Only what the upstream can answer without the facade mirroring
    /// its users: an exact username or email (one lookup), or an unfiltered page in the upstream's
    /// own order; any other filter or order is [`StoreError::Unsupported`].
    pub async fn list(
        &self,
        filter: &Filter,
        order: Order,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Stored>, StoreError> {
        if let Some(key) = exact_key(filter)? {
            let found = self.find(&key).await?.filter(|s| filter_matches(filter, &s.user));
            return Ok(found.into_iter().skip(offset as usize).take(limit as usize).collect());
        }
        if order != Order::IdAsc {
            return Err(StoreError::Unsupported(
                "in proxy mode lists come in the upstream's order; sorting is not available",
            ));
        }
        let mut out = Vec::new();
        for remote in self.upstream.page(offset, limit).await? {
            let row = self.remember(&remote).await?;
            out.push(stored(row, remote));
        }
        Ok(out)
    }

    /// How many users a list route's filter matches (see [`Proxy::list`]).
    pub async fn count(&self, filter: &Filter) -> Result<u64, StoreError> {
        match exact_key(filter)? {
            Some(key) => Ok(u64::from(self.find(&key).await?.is_some_and(|s| filter_matches(filter, &s.user)))),
            None => Ok(self.upstream.count().await?),
        }
    }

    pub async fn set_password(&self, id: i64, password: &Password) -> Result<Stored, StoreError> {
        let current = self.find(&Key::Id(id)).await?.ok_or(StoreError::NotFound)?;
        self.update(id, Some(current.version), &current.user, Some(password)).await
    }

    pub async fn delete(&self, id: i64, expected_version: Option<i64>) -> Result<(), StoreError> {
        let row = self.row(&Key::Id(id)).await?.ok_or(StoreError::NotFound)?;
        if let Some(expected) = expected_version
            && self.fetch(&row).await?.fingerprint() != expected
        {
            return Err(StoreError::VersionMismatch);
        }
        self.seen.borrow_mut().remove(&row.upstream_id);
        match self.upstream.delete(&row.upstream_id).await {
            Ok(()) | Err(UpstreamError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        self.forget(row.id).await
    }

    /// The mapping row and the upstream record under a caller's key. A row whose upstream user is
    /// gone, or whose remembered username/email the upstream record no longer has, is stale: it
    /// is dropped, and a username or email is then looked up upstream.
    async fn resolve(&self, key: &Key) -> Result<Option<(Mapping, Remote)>, StoreError> {
        if let Some(row) = self.row(key).await? {
            let seen = self.seen.borrow().get(&row.upstream_id).cloned();
            let remote = match seen {
                Some(remote) => Ok(remote),
                None => self.upstream.get(&row.upstream_id).await,
            };
            match remote {
                Ok(remote) if still_matches(key, &remote.user) => {
                    self.seen.borrow_mut().insert(row.upstream_id.clone(), remote.clone());
                    return Ok(Some((row, remote)));
                }
                Ok(_) => {}
                Err(UpstreamError::NotFound) => self.forget(row.id).await?,
                Err(e) => return Err(e.into()),
            }
        }
        let lookup = match key {
            // Names no user: and sent upstream, an empty segment would turn a lookup into a list.
            Key::Username(name) | Key::Email(name) if name.is_empty() => return Ok(None),
            Key::Username(u) => Lookup::Username(u),
            Key::Email(e) => Lookup::Email(e),
            _ => return Ok(None),
        };
        let Some(remote) = self.upstream.lookup(lookup).await? else { return Ok(None) };
        let row = self.remember(&remote).await?;
        self.seen.borrow_mut().insert(remote.id.clone(), remote.clone());
        Ok(Some((row, remote)))
    }

    /// The upstream record of a mapping row, read now; a user deleted upstream loses its row.
    async fn fetch(&self, row: &Mapping) -> Result<Remote, StoreError> {
        match self.upstream.get(&row.upstream_id).await {
            Err(UpstreamError::NotFound) => {
                self.seen.borrow_mut().remove(&row.upstream_id);
                self.forget(row.id).await?;
                Err(StoreError::NotFound)
            }
            Ok(remote) => {
                self.seen.borrow_mut().insert(row.upstream_id.clone(), remote.clone());
                Ok(remote)
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn row(&self, key: &Key) -> Result<Option<Mapping>, StoreError> {
        let cached = cache_key(&self.scope, key).and_then(|k| ROWS.with(|rows| rows.borrow().get(&k).cloned()));
        if cached.is_some() {
            return Ok(cached);
        }
        let row = self.query_row(key).await?;
        if let Some(row) = &row {
            self.cache(row);
        }
        Ok(row)
    }

    /// Remembers a row under every key it can be found by.
    fn cache(&self, row: &Mapping) {
        let mut keys = vec![Key::Id(row.id), Key::Uid(row.uid.clone())];
        keys.extend(row.username_key.clone().map(Key::Username));
        // Not by email: an address may be shared, so it is looked up every time.
        ROWS.with(|rows| {
            let mut rows = rows.borrow_mut();
            if rows.len() > CACHED_ROWS {
                rows.clear();
            }
            for key in &keys {
                if let Some(k) = cache_key(&self.scope, key) {
                    rows.insert(k, row.clone());
                }
            }
        });
    }

    async fn query_row(&self, key: &Key) -> Result<Option<Mapping>, StoreError> {
        let (condition, value) = match key {
            Key::Id(id) => ("id = ?2", JsValue::from_f64(*id as f64)),
            Key::Uid(uid) => ("uid = ?2", JsValue::from_str(uid)),
            Key::Username(u) => ("username_key = ?2", JsValue::from_str(&u.to_lowercase())),
            Key::Email(e) => ("email_key = ?2", JsValue::from_str(&e.to_lowercase())),
            // No dialect but primavera addresses users by ldapGuid, and its API cannot look one up.
            Key::LdapGuid(_) => return Ok(None),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM upstream_users WHERE scope = ?1 AND {condition} ORDER BY updated_at DESC LIMIT 2"
        );
        let mut rows: Vec<Mapping> =
            self.db.prepare(sql).bind(&[JsValue::from_str(&self.scope), value])?.all().await?.results()?;
        // Two users under one email: the upstream's own lookup decides (or says it cannot).
        if rows.len() > 1 && matches!(key, Key::Email(_)) {
            return Ok(None);
        }
        Ok(if rows.is_empty() { None } else { Some(rows.swap_remove(0)) })
    }

    /// Maps an upstream user (again: the same upstream id keeps its row and ids).
    async fn remember(&self, remote: &Remote) -> Result<Mapping, StoreError> {
        let (username, email) = keys(&remote.user);
        let at = now();
        let sql = format!(
            "INSERT INTO upstream_users (uid, scope, upstream_id, username_key, email_key, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (scope, upstream_id) DO UPDATE SET \
             username_key = excluded.username_key, email_key = excluded.email_key, updated_at = excluded.updated_at \
             RETURNING {COLUMNS}"
        );
        let values = [
            JsValue::from_str(&crypto::random_hex_id()?),
            JsValue::from_str(&self.scope),
            JsValue::from_str(&remote.id),
            username,
            email,
            JsValue::from_str(&at),
        ];
        let row: Option<Mapping> = self.db.prepare(sql).bind(&values)?.first(None).await?;
        let row = row.ok_or_else(|| StoreError::Internal("INSERT into upstream_users returned no row".into()))?;
        self.cache(&row);
        Ok(row)
    }

    /// Refreshes a row's lookup keys after a write.
    async fn touch(&self, row: Mapping, user: &User) -> Result<Mapping, StoreError> {
        let (username, email) = keys(user);
        let unchanged = username.as_string() == row.username_key && email.as_string() == row.email_key;
        if unchanged {
            return Ok(row);
        }
        let sql = format!(
            "UPDATE upstream_users SET username_key = ?1, email_key = ?2, updated_at = ?3 WHERE id = ?4 \
             RETURNING {COLUMNS}"
        );
        let values = [username, email, JsValue::from_str(&now()), JsValue::from_f64(row.id as f64)];
        let updated: Option<Mapping> = self.db.prepare(sql).bind(&values)?.first(None).await?;
        let row = updated.unwrap_or(row);
        self.cache(&row);
        Ok(row)
    }

    async fn forget(&self, id: i64) -> Result<(), StoreError> {
        ROWS.with(|rows| rows.borrow_mut().retain(|_, row| row.id != id));
        let stmt = self.db.prepare("DELETE FROM upstream_users WHERE id = ?1").bind(&[JsValue::from_f64(id as f64)])?;
        stmt.run().await?;
        Ok(())
    }

    /// Records what the upstream cannot hold of a write, for the answer's header.
    fn note_lost(&self, op: Op, user: &User) {
        let mut lost = self.upstream.lost(op, user);
        // The password is write-only everywhere: it is never read back, so it always looks lost.
        lost.retain(|p| p != "/password");
        *self.trip.lost.borrow_mut() = Some(lost);
    }
}

/// The one key an exact filter names (`None`: no filter at all); filters the upstream cannot
/// answer without a mirror (substrings, patterns, roles, statuses) are unsupported.
fn exact_key(filter: &Filter) -> Result<Option<Key>, StoreError> {
    if filter.search.is_some()
        || filter.username_like.is_some()
        || !filter.access.is_empty()
        || !filter.statuses.is_empty()
    {
        return Err(StoreError::Unsupported(
            "in proxy mode lists can be filtered by exact username or email only (the facade does not mirror the \
             upstream's users)",
        ));
    }
    Ok(match (&filter.username, &filter.email) {
        (Some(u), _) => Some(Key::Username(u.clone())),
        (None, Some(e)) => Some(Key::Email(e.clone())),
        (None, None) => None,
    })
}

/// Whether a user found by one exact key also has the other one the filter names.
fn filter_matches(filter: &Filter, user: &User) -> bool {
    filter.email.as_ref().is_none_or(|e| user.primary_email().is_some_and(|m| m.value.as_str().eq_ignore_ascii_case(e)))
}

/// The user as sent upstream: no facade ids, the password (if any) for the write only.
fn outgoing(user: &User, password: Option<&Password>) -> User {
    let mut send = user.clone();
    send.id = None;
    send.uid = None;
    if let Some(p) = password {
        send.password = Some(p.clone());
    }
    send
}

fn stored(row: Mapping, remote: Remote) -> Stored {
    let mut user = remote.user.clone();
    user.id = Some(row.id);
    user.uid = Some(row.uid.clone());
    user.password = None;
    Stored {
        id: row.id,
        uid: row.uid,
        version: remote.fingerprint(),
        created_at: row.created_at,
        updated_at: row.updated_at,
        last_login: None,
        user,
    }
}

/// The lower-cased username and primary email, as the row's lookup keys.
fn keys(user: &User) -> (JsValue, JsValue) {
    let username = user.username.as_ref().map(|u| u.to_lowercase());
    let email = user.primary_email().map(|e| e.value.as_str().to_lowercase());
    let js = |v: Option<String>| v.map_or(JsValue::NULL, |v| JsValue::from_str(&v));
    (js(username), js(email))
}

/// Whether the upstream record still has the username or email a row was found by.
fn still_matches(key: &Key, user: &User) -> bool {
    match key {
        Key::Username(u) => user.username.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(u)),
        Key::Email(e) => user.primary_email().is_some_and(|m| m.value.as_str().eq_ignore_ascii_case(e)),
        _ => true,
    }
}

impl From<UpstreamError> for StoreError {
    fn from(err: UpstreamError) -> Self {
        match err {
            UpstreamError::NotFound => StoreError::NotFound,
            UpstreamError::Changed => StoreError::VersionMismatch,
            UpstreamError::Ambiguous => StoreError::Ambiguous { field: Unique::Email },
            other => StoreError::Upstream(other),
        }
    }
}
