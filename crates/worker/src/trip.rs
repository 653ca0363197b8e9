//! One request's dealings with the upstream, shared by the route that serves it, the directory
//! and the upstream client; a module of its own so that none of them imports another for it.

use std::cell::{Cell, RefCell};

/// One request's dealings with the upstream, shared by the route, the proxy and the upstream
/// client: what the caller sent that goes along (its idempotency key), and what comes back for
/// the answer's headers and the request's log line.
#[derive(Default)]
pub struct Trip {
    /// The upstream create's `Idempotency-Key`, derived from the caller's key and who sent it
    /// (`crate::idempotency`), so a create the facade retries on a caller's behalf is made once
    /// by an upstream that honours keys. Upstreams that do not know the header ignore it; the
    /// facade enforces the caller's key itself either way.
    pub idempotency_key: RefCell<Option<String>>,
    /// What the upstream could not hold of this request's write (canonical pointers), for
    /// `X-Userbridge-Lost`; `None` when nothing was written upstream.
    pub lost: RefCell<Option<Vec<String>>>,
    /// Upstream calls made (retries included) and the milliseconds spent waiting for them, for
    /// the log line: the request's duration minus this is the facade's own share.
    pub calls: Cell<u32>,
    pub waited_ms: Cell<u64>,
    /// The route's answer shows nothing of the written record but its id (learningcloud's
    /// envelopes, DeviceHive's 204 and create answer): a write then needs no read back.
    pub answer_without_record: Cell<bool>,
    /// The caller named the version it expects (`If-Match`): every write is guarded, a targeted
    /// or partial one too (`crate::proxy::Proxy::update`).
    pub if_match: Cell<bool>,
}

impl Trip {
    pub fn waited(&self, ms: u64) {
        self.calls.set(self.calls.get() + 1);
        self.waited_ms.set(self.waited_ms.get() + ms);
    }
}
