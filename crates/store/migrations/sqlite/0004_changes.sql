-- When a person's matching data last changed (home, profile, tags,
-- visibility, memberships, deletion), so each node's in-memory helper index
-- can catch up by reading only what changed.
ALTER TABLE users ADD COLUMN changed_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX users_changed ON users(changed_at);
