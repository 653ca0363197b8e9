-- Migration number: 0005 	 upstream_users: proxy mode's identity mapping
-- In proxy mode (UPSTREAM_URL set) users live upstream; the facade keeps only who is who. A row
-- gives an upstream user the facade's own identifiers, in the formats its callers expect: the
-- numeric `id` (publisher, primavera, DeviceHive) and the 32-hex `uid` (learningcloud, SCIM).
-- `scope` is the upstream's dialect and URL, so pointing the facade at another upstream never
-- mixes ids. `username_key`/`email_key` are the last known lower-cased username and email, for
-- lookups only: the upstream decides uniqueness, so they are not UNIQUE here, and a row whose key
-- no longer matches the upstream's record is not trusted.
CREATE TABLE IF NOT EXISTS upstream_users (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    uid          TEXT    NOT NULL UNIQUE,
    scope        TEXT    NOT NULL,
    upstream_id  TEXT    NOT NULL,
    username_key TEXT,
    email_key    TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (scope, upstream_id)
);
CREATE INDEX IF NOT EXISTS upstream_users_username ON upstream_users (scope, username_key);
CREATE INDEX IF NOT EXISTS upstream_users_email ON upstream_users (scope, email_key);

INSERT OR REPLACE INTO schema_meta (key, value) VALUES ('upstream_users', '0005_upstream_users');
