//! The user directory on D1: one row per user, every dialect reads and writes the same rows.
//!
//! A row holds the canonical user as JSON (`body`, never the password) plus the columns the
//! dialects address users by — a numeric `id` (publisher, primavera, DeviceHive), a 32-hex `uid`
//! (learningcloud, SCIM), and the case-insensitive `username_key`/`email_key` and `ldap_guid`.
//! `username_key` and `ldap_guid` are `UNIQUE`, so D1 itself refuses duplicates, even between
//! concurrent requests. An email address may be shared (SCIM, `/v1`); the dialects that address
//! users by email claim it ([`Emails::Claimed`]) in the writing statement itself. `version`
//! grows by one on every write; writes that must not lose a concurrent change say which version
//! they expect (`UPDATE … WHERE id = ? AND version = ?`), which is the `ETag`/`If-Match` of /v1.
//!
//! D1 has no interactive transactions, so every operation is one statement (`RETURNING` gives
//! back the row it wrote); the schema is `migrations/0002_users.sql`.

use serde::Deserialize;
use userbridge_core::User;
use userbridge_core::canonical::Password;
use worker::D1Database;
use worker::wasm_bindgen::JsValue;

use crate::crypto;
use crate::users::{Emails, Filter, Key, Order, Rows, StoreError, Stored, Unique, now};

/// The D1 binding name, as declared in `wrangler.toml`.
pub const DB_BINDING: &str = "DB";

/// The columns every read returns.
/// `last_login` (migration 0003) is DeviceHive's `lastLogin`: login metadata outside the body.
const COLUMNS: &str = "id, uid, body, version, created_at, updated_at, last_login";

impl Unique {
    /// Which unique field a D1 constraint error names (`UNIQUE constraint failed:
    /// users.email_key`).
    fn from_constraint(message: &str) -> Option<Unique> {
        let rest = &message[message.find("UNIQUE constraint failed")?..];
        if rest.contains("users.username_key") {
            Some(Unique::Username)
        } else if rest.contains("users.email_key") {
            Some(Unique::Email)
        } else if rest.contains("users.ldap_guid") {
            Some(Unique::LdapGuid)
        } else {
            None
        }
    }
}

impl From<worker::Error> for StoreError {
    fn from(err: worker::Error) -> Self {
        let text = err.to_string();
        match Unique::from_constraint(&text) {
            Some(field) => StoreError::Conflict { field },
            None => StoreError::Internal(format!("D1: {text}")),
        }
    }
}

impl From<crypto::CryptoError> for StoreError {
    fn from(err: crypto::CryptoError) -> Self {
        StoreError::Internal(err.to_string())
    }
}

impl Key {
    fn condition(&self) -> (&'static str, JsValue) {
        match self {
            Key::Id(id) => ("id = ?1", num(*id)),
            Key::Uid(uid) => ("uid = ?1", JsValue::from_str(uid)),
            Key::Username(u) => ("username_key = ?1", JsValue::from_str(&u.to_lowercase())),
            Key::Email(e) => ("email_key = ?1", JsValue::from_str(&e.to_lowercase())),
            Key::LdapGuid(g) => ("ldap_guid = ?1", JsValue::from_str(g)),
        }
    }
}

impl Order {
    fn sql(self) -> &'static str {
        match self {
            Order::IdAsc => "id",
            Order::IdDesc => "id DESC",
            Order::UsernameAsc => "username_key, id",
            Order::UsernameDesc => "username_key DESC, id DESC",
        }
    }
}

impl Filter {
    /// The `WHERE` clause (parameters numbered from 1) and its values.
    fn clause(&self) -> (String, Vec<JsValue>) {
        let mut conditions = Vec::new();
        let mut values = Vec::new();
        if let Some(u) = &self.username {
            values.push(JsValue::from_str(&u.to_lowercase()));
            conditions.push(format!("username_key = ?{}", values.len()));
        }
        if let Some(e) = &self.email {
            values.push(JsValue::from_str(&e.to_lowercase()));
            conditions.push(format!("email_key = ?{}", values.len()));
        }
        if let Some(s) = &self.search {
            // `instr`, not `LIKE '%…%'`: no wildcards to escape, and no pattern-length limit (D1
            // refuses LIKE patterns over 50 bytes, and a search may be longer).
            values.push(JsValue::from_str(&s.to_lowercase()));
            let n = values.len();
            conditions.push(format!("(instr(username_key, ?{n}) > 0 OR instr(email_key, ?{n}) > 0)"));
        }
        if let Some(p) = &self.username_like {
            values.push(JsValue::from_str(&p.to_lowercase()));
            conditions.push(format!("username_key LIKE ?{}", values.len()));
        }
        for (column, allowed) in [
            ("COALESCE(json_extract(body, '$.access'), 'client')", &self.access),
            ("COALESCE(json_extract(body, '$.status'), 'active')", &self.statuses),
        ] {
            if allowed.is_empty() {
                continue;
            }
            let mut placeholders = Vec::with_capacity(allowed.len());
            for value in allowed {
                values.push(JsValue::from_str(value));
                placeholders.push(format!("?{}", values.len()));
            }
            conditions.push(format!("{column} IN ({})", placeholders.join(", ")));
        }
        if conditions.is_empty() {
            return (String::new(), values);
        }
        (format!(" WHERE {}", conditions.join(" AND ")), values)
    }
}

#[derive(Deserialize)]
struct Row {
    id: i64,
    uid: String,
    body: String,
    version: i64,
    created_at: String,
    updated_at: String,
    #[serde(default)]
    last_login: Option<String>,
}

impl Row {
    fn into_stored(self) -> Result<Stored, StoreError> {
        let mut user: User = serde_json::from_str(&self.body)
            .map_err(|e| StoreError::Internal(format!("user {} has an unreadable body: {e}", self.id)))?;
        user.id = Some(self.id);
        user.uid = Some(self.uid.clone());
        Ok(Stored {
            id: self.id,
            uid: self.uid,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            last_login: self.last_login,
            user,
        })
    }
}

/// The columns a write derives from the user.
struct Columns {
    username: JsValue,
    username_key: JsValue,
    email: JsValue,
    email_key: JsValue,
    ldap_guid: JsValue,
    body: JsValue,
}

impl Columns {
    fn of(user: &User) -> Result<Columns, StoreError> {
        let mut body = user.clone();
        // The row's own columns hold identity; the password exists only as its hash.
        body.id = None;
        body.uid = None;
        body.password = None;
        let body = serde_json::to_string(&body).map_err(|e| StoreError::Internal(format!("serialize: {e}")))?;
        let email = user.primary_email().map(|e| e.value.as_str().to_owned());
        Ok(Columns {
            username: opt(user.username.as_deref()),
            username_key: opt(user.username.as_ref().map(|u| u.to_lowercase()).as_deref()),
            email_key: opt(email.as_ref().map(|e| e.to_lowercase()).as_deref()),
            email: opt(email.as_deref()),
            ldap_guid: opt(user.ldap_guid.as_deref()),
            body: JsValue::from_str(&body),
        })
    }
}

fn opt(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

/// D1 takes numbers as JavaScript numbers (ids stay far below 2^53).
fn num(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// The user directory on D1. In proxy mode it is still the home of the facade's own accounts (the
/// DeviceHive admin who logs in), never of the users it proxies ([`crate::directory`] chooses).
pub struct Store {
    db: D1Database,
    emails: Emails,
}

impl Store {
    pub fn new(env: &worker::Env) -> Result<Store, StoreError> {
        Ok(Store { db: env.d1(DB_BINDING)?, emails: Emails::default() })
    }

    /// The same store, writing under `emails`.
    pub fn with_emails(self, emails: Emails) -> Store {
        Store { emails, ..self }
    }

    /// The lower-cased primary email a write must claim, as a bound value (NULL: nothing to claim).
    fn claim(&self, c: &Columns) -> JsValue {
        match self.emails {
            Emails::Claimed => c.email_key.clone(),
            Emails::Shared => JsValue::NULL,
        }
    }

    /// Whether a user other than row `id` (any user, for `None`) holds `email_key`.
    async fn email_taken(&self, email_key: &JsValue, id: Option<i64>) -> Result<bool, StoreError> {
        let sql = "SELECT 1 AS taken FROM users WHERE email_key = ?1 AND (?2 IS NULL OR id <> ?2) LIMIT 1";
        let values = [email_key.clone(), id.map_or(JsValue::NULL, num)];
        let taken: Option<i64> = self.db.prepare(sql).bind(&values)?.first(Some("taken")).await?;
        Ok(taken.is_some())
    }

    /// Inserts a user (its `id`/`uid` are assigned here; a password is hashed).
    pub async fn create(&self, user: &User, password: Option<&Password>) -> Result<Stored, StoreError> {
        let c = Columns::of(user)?;
        let hash = match password {
            Some(p) => JsValue::from_str(&crypto::hash_password(p.expose()).await?),
            None => JsValue::NULL,
        };
        let uid = crypto::random_hex_id()?;
        let at = now();
        let claim = self.claim(&c);
        // One statement: a concurrent create cannot slip in between the check and the insert.
        let sql = format!(
            "INSERT INTO users (uid, username, username_key, email, email_key, ldap_guid, body, password_hash, \
             version, created_at, updated_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9 \
             WHERE ?10 IS NULL OR NOT EXISTS (SELECT 1 FROM users WHERE email_key = ?10) RETURNING {COLUMNS}"
        );
        let values = [
            JsValue::from_str(&uid),
            c.username,
            c.username_key,
            c.email,
            c.email_key,
            c.ldap_guid,
            c.body,
            hash,
            JsValue::from_str(&at),
            claim.clone(),
        ];
        let row: Option<Row> = self.db.prepare(sql).bind(&values)?.first(None).await?;
        match row {
            Some(row) => row.into_stored(),
            None if !claim.is_null() => Err(StoreError::Conflict { field: Unique::Email }),
            None => Err(StoreError::Internal("INSERT returned no row".into())),
        }
    }

    /// The user under `key`, if any.
    pub async fn find(&self, key: &Key) -> Result<Option<Stored>, StoreError> {
        let (condition, value) = key.condition();
        // An email may be shared: two rows under it name no one user.
        let sql = format!("SELECT {COLUMNS} FROM users WHERE {condition} LIMIT 2");
        let mut rows: Vec<Row> = self.db.prepare(sql).bind(&[value])?.all().await?.results()?;
        if rows.len() > 1 {
            return Err(StoreError::Ambiguous { field: Unique::Email });
        }
        rows.pop().map(Row::into_stored).transpose()
    }

    /// Replaces the user of row `id`. With `expected_version`, only if the row still has it
    /// ([`StoreError::VersionMismatch`] otherwise); a `password` replaces the hash, `None` keeps it.
    pub async fn update(
        &self,
        id: i64,
        expected_version: Option<i64>,
        user: &User,
        password: Option<&Password>,
    ) -> Result<Stored, StoreError> {
        let c = Columns::of(user)?;
        let hash = match password {
            Some(p) => JsValue::from_str(&crypto::hash_password(p.expose()).await?),
            None => JsValue::NULL,
        };
        let claim = self.claim(&c);
        // A claimed address is one the user already has, or one no other user holds.
        let sql = format!(
            "UPDATE users SET username = ?1, username_key = ?2, email = ?3, email_key = ?4, ldap_guid = ?5, \
             body = ?6, password_hash = COALESCE(?7, password_hash), version = version + 1, updated_at = ?8 \
             WHERE id = ?9 AND (?10 IS NULL OR version = ?10) AND (?11 IS NULL OR email_key IS ?11 OR NOT EXISTS \
             (SELECT 1 FROM users AS other WHERE other.email_key = ?11 AND other.id <> ?9)) RETURNING {COLUMNS}"
        );
        let values = [
            c.username,
            c.username_key,
            c.email,
            c.email_key,
            c.ldap_guid,
            c.body,
            hash,
            JsValue::from_str(&now()),
            num(id),
            expected_version.map_or(JsValue::NULL, num),
            claim.clone(),
        ];
        let row: Option<Row> = self.db.prepare(sql).bind(&values)?.first(None).await?;
        match row {
            Some(row) => row.into_stored(),
            None if !claim.is_null() && self.email_taken(&claim, Some(id)).await? => {
                Err(StoreError::Conflict { field: Unique::Email })
            }
            None => Err(self.why_not_written(id).await),
        }
    }

    /// Sets a new password (learningcloud `changePassword`); the profile is unchanged but the
    /// version still grows, since the row changed.
    pub async fn set_password(&self, id: i64, password: &Password) -> Result<Stored, StoreError> {
        let hash = crypto::hash_password(password.expose()).await?;
        let sql = format!(
            "UPDATE users SET password_hash = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3 \
             RETURNING {COLUMNS}"
        );
        let values = [JsValue::from_str(&hash), JsValue::from_str(&now()), num(id)];
        let row: Option<Row> = self.db.prepare(sql).bind(&values)?.first(None).await?;
        row.ok_or(StoreError::NotFound)?.into_stored()
    }

    #[allow(dead_code, reason = "the seam for password logins (the DeviceHive token endpoint)")]
    /// Whether `password` is the password of the user under `key` (for token endpoints); `None`
    /// when the user does not exist, has no password, or the password is wrong.
    pub async fn verify_password(&self, key: &Key, password: &str) -> Result<Option<Stored>, StoreError> {
        let (condition, value) = key.condition();
        let sql = format!("SELECT password_hash FROM users WHERE {condition}");
        let hash: Option<Option<String>> = self.db.prepare(sql).bind(&[value])?.first(Some("password_hash")).await?;
        let Some(Some(hash)) = hash else { return Ok(None) };
        if !crypto::verify_password(password, &hash).await? {
            return Ok(None);
        }
        self.find(key).await
    }

    /// Records a successful DeviceHive login (`lastLogin`). Not a profile change: the version and
    /// `updated_at` stay, so ETags held by other clients stay valid.
    pub async fn record_login(&self, id: i64) -> Result<Option<String>, StoreError> {
        let at = now();
        let sql = "UPDATE users SET last_login = ?1 WHERE id = ?2 RETURNING last_login";
        let values = [JsValue::from_str(&at), num(id)];
        let written: Option<String> = self.db.prepare(sql).bind(&values)?.first(Some("last_login")).await?;
        Ok(written)
    }

    /// Deletes row `id` (only at `expected_version`, when given).
    pub async fn delete(&self, id: i64, expected_version: Option<i64>) -> Result<(), StoreError> {
        let sql = "DELETE FROM users WHERE id = ?1 AND (?2 IS NULL OR version = ?2) RETURNING id";
        let values = [num(id), expected_version.map_or(JsValue::NULL, num)];
        let deleted: Option<i64> = self.db.prepare(sql).bind(&values)?.first(Some("id")).await?;
        match deleted {
            Some(_) => Ok(()),
            None => Err(self.why_not_written(id).await),
        }
    }

    /// Users matching `filter`, in `order`.
    pub async fn list_ordered(
        &self,
        filter: &Filter,
        order: Order,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Stored>, StoreError> {
        let (clause, mut values) = filter.clause();
        let n = values.len();
        let order = order.sql();
        let sql = format!("SELECT {COLUMNS} FROM users{clause} ORDER BY {order} LIMIT ?{} OFFSET ?{}", n + 1, n + 2);
        values.push(JsValue::from(limit));
        values.push(JsValue::from(offset));
        let rows: Vec<Row> = self.db.prepare(sql).bind(&values)?.all().await?.results()?;
        rows.into_iter().map(Row::into_stored).collect()
    }

    /// How many users match `filter`.
    pub async fn count(&self, filter: &Filter) -> Result<u64, StoreError> {
        let (clause, values) = filter.clause();
        let stmt = self.db.prepare(format!("SELECT COUNT(*) AS n FROM users{clause}")).bind(&values)?;
        let n: Option<f64> = stmt.first(Some("n")).await?;
        Ok(n.unwrap_or(0.0) as u64)
    }

    /// After a conditional write touched no row: was the row gone, or at another version?
    async fn why_not_written(&self, id: i64) -> StoreError {
        match self.find(&Key::Id(id)).await {
            Ok(Some(_)) => StoreError::VersionMismatch,
            Ok(None) => StoreError::NotFound,
            Err(e) => e,
        }
    }
}

/// D1's writes are always compare-and-set, so `If-Match` needs no telling.
impl Rows for Store {
    async fn find(&self, key: &Key) -> Result<Option<Stored>, StoreError> {
        Store::find(self, key).await
    }

    async fn update(
        &self,
        id: i64,
        expected_version: Option<i64>,
        user: &User,
        password: Option<&Password>,
    ) -> Result<Stored, StoreError> {
        Store::update(self, id, expected_version, user, password).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_errors_name_the_field() {
        let e = "D1_ERROR: UNIQUE constraint failed: users.username_key: SQLITE_CONSTRAINT";
        assert_eq!(Unique::from_constraint(e), Some(Unique::Username));
        assert_eq!(Unique::from_constraint("UNIQUE constraint failed: users.email_key"), Some(Unique::Email));
        assert_eq!(Unique::from_constraint("UNIQUE constraint failed: users.ldap_guid"), Some(Unique::LdapGuid));
        assert_eq!(Unique::from_constraint("UNIQUE constraint failed: users.uid"), None);
        assert_eq!(Unique::from_constraint("no such table: users"), None);
    }

    #[test]
    fn orders_break_ties_by_id() {
        // (The WHERE clause binds JsValues, which exist only in Wasm: the filters are covered by
        // tests/http/devicehive.test.mjs.)
        assert_eq!(Order::default().sql(), "id");
        assert_eq!(Order::UsernameAsc.sql(), "username_key, id");
        assert_eq!(Order::UsernameDesc.sql(), "username_key DESC, id DESC");
    }
}
