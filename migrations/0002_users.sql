-- Migration number: 0002 	 users: one row per user, shared by every dialect
-- `body` is the canonical user as JSON (snake_case, the /v1 wire format) without id, uid and
-- password: those live in their own columns. The *_key columns hold the lower-cased username and
-- primary email so that uniqueness is case-insensitive; NULLs never collide (a primavera user has
-- no username). `version` is bumped by every write and is the /v1 ETag. Timestamps are ISO 8601 UTC.
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uid           TEXT    NOT NULL UNIQUE,
    username      TEXT,
    username_key  TEXT    UNIQUE,
    email         TEXT,
    email_key     TEXT    UNIQUE,
    ldap_guid     TEXT    UNIQUE,
    body          TEXT    NOT NULL,
    password_hash TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

INSERT OR REPLACE INTO schema_meta (key, value) VALUES ('users', '0002_users');
