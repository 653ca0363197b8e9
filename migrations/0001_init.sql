-- Migration number: 0001 	 userbridge foundation
-- A small key/value table that records facts about the schema itself. `/health` reads it, which
-- proves both that the D1 binding answers and that migrations have been applied. The users tables
-- arrive in later migrations.
CREATE TABLE IF NOT EXISTS schema_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

INSERT OR IGNORE INTO schema_meta (key, value) VALUES ('created_by', '0001_init');
