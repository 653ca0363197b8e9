-- Migration number: 0003 	 DeviceHive lastLogin
-- DeviceHive shows `lastLogin` (null until the user's first `POST /token`). It is login metadata,
-- not profile: it lives in its own column, outside the canonical `body`, and setting it does not
-- bump `version` (a login must not invalidate a client's ETag).
ALTER TABLE users ADD COLUMN last_login TEXT;

INSERT OR REPLACE INTO schema_meta (key, value) VALUES ('devicehive', '0003_devicehive_last_login');
