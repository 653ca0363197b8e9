//! The user directory a request works on: the D1 store, or in proxy mode the upstream.
//!
//! Both speak the vocabulary of [`crate::users`] (keys, filters, stored users, [`StoreError`]),
//! so the routes serve both modes unchanged. Which one a request gets is decided once, here, from
//! the configuration: the proxy is built only when `UPSTREAM_URL` is set, and the D1 store knows
//! nothing of it.

use std::rc::Rc;

use userbridge_core::User;
use userbridge_core::canonical::Password;

use crate::config::Config;
use crate::error::ApiError;
use crate::proxy::Proxy;
use crate::store::{DB_BINDING, Store};
use crate::trip::Trip;
use crate::upstream::Upstream;
use crate::users::{Emails, Filter, Key, Order, Rows, StoreError, Stored};

/// The directory of one request (or WebSocket frame).
pub enum Directory {
    /// The users are D1 rows.
    Local(Store),
    /// Proxy mode: the upstream holds the users; the facade keeps only its identity mapping.
    /// Boxed: the proxy carries the upstream client and a per-request cache, the store one handle.
    Upstream(Box<Proxy>),
}

/// The directory for one request: the upstream when one is configured, else D1. `trip` collects
/// what the upstream calls of this request report (see [`Trip`]).
pub fn open(env: &worker::Env, config: &Config, request_id: &str, trip: &Rc<Trip>) -> Result<Directory, ApiError> {
    match config.upstream().map_err(ApiError::NotConfigured)? {
        None => Ok(Directory::Local(Store::new(env)?)),
        Some(upstream) => {
            let scope = format!("{}:{}", upstream.dialect, upstream.url);
            let client = Upstream::new(upstream.clone(), request_id.to_owned(), trip.clone());
            let db = env.d1(DB_BINDING).map_err(StoreError::from)?;
            Ok(Directory::Upstream(Box::new(Proxy::new(db, client, scope, trip.clone()))))
        }
    }
}

impl Directory {
    /// The caller named the version it expects (`If-Match`): in proxy mode every write is then
    /// guarded against a change since the read, a partial one too (see [`Proxy::update`]). The
    /// D1 store's writes are always compare-and-set.
    pub fn expect_version(&self) {
        if let Directory::Upstream(proxy) = self {
            proxy.expect_version();
        }
    }

    /// The same directory, writing under `emails` (proxy mode: the upstream decides).
    pub fn with_emails(self, emails: Emails) -> Directory {
        match self {
            Directory::Local(store) => Directory::Local(store.with_emails(emails)),
            upstream @ Directory::Upstream(_) => upstream,
        }
    }

    /// Inserts a user (its `id`/`uid` are assigned here; a password is hashed).
    pub async fn create(&self, user: &User, password: Option<&Password>) -> Result<Stored, StoreError> {
        match self {
            Directory::Local(store) => store.create(user, password).await,
            Directory::Upstream(proxy) => proxy.create(user, password).await,
        }
    }

    /// The user under `key`, or [`StoreError::NotFound`].
    pub async fn get(&self, key: &Key) -> Result<Stored, StoreError> {
        self.find(key).await?.ok_or(StoreError::NotFound)
    }

    /// The user under `key`, if any.
    pub async fn find(&self, key: &Key) -> Result<Option<Stored>, StoreError> {
        match self {
            Directory::Local(store) => store.find(key).await,
            Directory::Upstream(proxy) => proxy.find(key).await,
        }
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
        match self {
            Directory::Local(store) => store.update(id, expected_version, user, password).await,
            Directory::Upstream(proxy) => proxy.update(id, expected_version, user, password).await,
        }
    }

    /// Sets a new password (learningcloud `changePassword`).
    pub async fn set_password(&self, id: i64, password: &Password) -> Result<Stored, StoreError> {
        match self {
            Directory::Local(store) => store.set_password(id, password).await,
            Directory::Upstream(proxy) => proxy.set_password(id, password).await,
        }
    }

    /// Deletes row `id` (only at `expected_version`, when given).
    pub async fn delete(&self, id: i64, expected_version: Option<i64>) -> Result<(), StoreError> {
        match self {
            Directory::Local(store) => store.delete(id, expected_version).await,
            Directory::Upstream(proxy) => proxy.delete(id, expected_version).await,
        }
    }

    /// Users matching `filter`, in id order.
    pub async fn list(&self, filter: &Filter, offset: u32, limit: u32) -> Result<Vec<Stored>, StoreError> {
        self.list_ordered(filter, Order::IdAsc, offset, limit).await
    }

    /// Users matching `filter`, in `order`.
    pub async fn list_ordered(
        &self,
        filter: &Filter,
        order: Order,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Stored>, StoreError> {
        match self {
            Directory::Local(store) => store.list_ordered(filter, order, offset, limit).await,
            Directory::Upstream(proxy) => proxy.list(filter, order, offset, limit).await,
        }
    }

    /// How many users match `filter`.
    pub async fn count(&self, filter: &Filter) -> Result<u64, StoreError> {
        match self {
            Directory::Local(store) => store.count(filter).await,
            Directory::Upstream(proxy) => proxy.count(filter).await,
        }
    }
}

impl Rows for Directory {
    async fn find(&self, key: &Key) -> Result<Option<Stored>, StoreError> {
        Directory::find(self, key).await
    }

    async fn update(
        &self,
        id: i64,
        expected_version: Option<i64>,
        user: &User,
        password: Option<&Password>,
    ) -> Result<Stored, StoreError> {
        Directory::update(self, id, expected_version, user, password).await
    }

    fn expect_version(&self) {
        Directory::expect_version(self);
    }
}
