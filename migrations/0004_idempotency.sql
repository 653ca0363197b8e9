-- Migration number: 0004 	 idempotency_keys: replayed answers of creates sent with Idempotency-Key
-- One row per (scope, key). `scope` is the dialect and a SHA-256 of who sent the key (the presented
-- credential, or the DeviceHive user behind a token), so two clients' keys never meet; neither the
-- credential nor a password is stored. `fingerprint` is a SHA-256 of the request (path and query,
-- media type, body): the same key with another request is refused (422). A row is `pending` while
-- its first request runs (a second one gets 409) and `done` once that request answered 2xx, with
-- the answer kept as it was sent (create answers never hold a password). Failed answers are not
-- kept: their row is deleted, so the client can retry with the same key. `created_at` is ISO 8601
-- UTC; rows older than 24 hours count as absent and are replaced or swept.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope        TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'done')),
    status       INTEGER,
    content_type TEXT,
    location     TEXT,
    etag         TEXT,
    body         TEXT,
    created_at   TEXT    NOT NULL,
    UNIQUE (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created_at ON idempotency_keys (created_at);

INSERT OR REPLACE INTO schema_meta (key, value) VALUES ('idempotency_keys', '0004_idempotency');
