-- Migration number: 0006 	 users: an email address may be shared
-- RFC 7643 gives SCIM `emails` uniqueness "none": a shared mailbox may be several users' primary
-- address, which SCIM and /v1 accept. The dialects that address users by email (publisher, and
-- primavera's `useExistingUser`) still refuse to give a user an address another user holds; the
-- store checks that in the writing statement itself, so `email_key` is indexed, not UNIQUE.
-- SQLite cannot drop a constraint: the table is rebuilt, with every row, id and version kept.
CREATE TABLE users_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uid           TEXT    NOT NULL UNIQUE,
    username      TEXT,
    username_key  TEXT    UNIQUE,
    email         TEXT,
    email_key     TEXT,
    ldap_guid     TEXT    UNIQUE,
    body          TEXT    NOT NULL,
    password_hash TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    last_login    TEXT
);

INSERT INTO users_new (id, uid, username, username_key, email, email_key, ldap_guid, body, password_hash, version,
                       created_at, updated_at, last_login)
SELECT id, uid, username, username_key, email, email_key, ldap_guid, body, password_hash, version, created_at,
       updated_at, last_login
FROM users;

-- Keep AUTOINCREMENT's high-water mark, so a deleted user's id is never given again (a DeviceHive
-- token names its user by id): the copy's sequence starts where the old table's stood.
UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM sqlite_sequence WHERE name IN ('users', 'users_new'))
WHERE name = 'users_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'users_new', seq FROM sqlite_sequence
WHERE name = 'users' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users_new');

DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX IF NOT EXISTS users_email_key ON users (email_key);

INSERT OR REPLACE INTO schema_meta (key, value) VALUES ('users', '0006_shared_emails');
