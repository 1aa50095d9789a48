-- Background jobs of every kind in one table (mail was the first), typed
-- notifications with their in-app centre, and how each person wants to be
-- told: by email or SMS, at once, in a daily digest, or not at all.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- Enqueuing twice with the same key enqueues once.
    idempotency_key TEXT UNIQUE,
    -- queued, done or dead (failed too often: kept for an administrator)
    state TEXT NOT NULL DEFAULT 'queued',
    run_at BIGINT NOT NULL,
    -- A worker holds a job until then; after that, another one may take it.
    locked_until BIGINT NOT NULL DEFAULT 0,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs(state, run_at);

-- Mail that was still waiting moves into the jobs table, nothing is dropped.
INSERT INTO jobs (kind, payload, state, run_at, attempts, max_attempts, last_error, created_at)
SELECT 'email', json_object('to', to_address, 'subject', subject, 'text', body_text, 'html', body_html),
       CASE WHEN attempts >= 8 THEN 'dead' ELSE 'queued' END,
       next_attempt_at, attempts, 8, last_error, created_at
FROM outbox_emails WHERE sent_at IS NULL;
DROP TABLE outbox_emails;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- What it is about, as its author wrote it (a need's title…); the
    -- sentence around it is translated when shown.
    subject TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL,
    -- The same event never notifies the same person twice.
    dedup_key TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    -- none, now (a delivery job was queued), digest (waits for the daily
    -- digest), sent
    delivery TEXT NOT NULL DEFAULT 'none'
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_digest ON notifications(user_id) WHERE delivery = 'digest';

-- Missing row: the kind's default (at once).
CREATE TABLE notification_prefs (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- email, sms or none
ALTER TABLE users ADD COLUMN notify_channel TEXT NOT NULL DEFAULT 'email';
ALTER TABLE users ADD COLUMN phone TEXT;
-- No SMS between these hours (local time, 0-23); equal hours: no quiet time.
ALTER TABLE users ADD COLUMN quiet_from BIGINT NOT NULL DEFAULT 21;
ALTER TABLE users ADD COLUMN quiet_to BIGINT NOT NULL DEFAULT 8;
-- A random token that lets a mail's unsubscribe link act without a session.
ALTER TABLE users ADD COLUMN notify_token TEXT;
CREATE UNIQUE INDEX users_notify_token ON users(notify_token);
