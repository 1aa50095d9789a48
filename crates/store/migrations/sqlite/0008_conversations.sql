-- Conversations between people: direct (two people), or attached to an
-- exchange, a visits pairing or an organisation's team, whose members are
-- kept in step with those sources. Messages, blocks between people,
-- reports of messages and what moderators did about them.
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    -- direct, exchange, pairing or team
    kind TEXT NOT NULL,
    exchange_id BIGINT UNIQUE REFERENCES exchanges(id) ON DELETE CASCADE,
    pairing_id BIGINT UNIQUE REFERENCES pairings(id) ON DELETE CASCADE,
    -- A team conversation: one per organisation.
    org_id BIGINT UNIQUE REFERENCES organisations(id) ON DELETE CASCADE,
    -- A direct conversation: the smaller then the larger of the two ids.
    direct_low BIGINT REFERENCES users(id) ON DELETE SET NULL,
    direct_high BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    last_message_at BIGINT
);
CREATE UNIQUE INDEX conversations_direct ON conversations(direct_low, direct_high);

CREATE TABLE conversation_members (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- Messages up to this id are read (0: none).
    last_read_message_id BIGINT NOT NULL DEFAULT 0,
    muted BIGINT NOT NULL DEFAULT 0,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
-- A person's conversations (then sorted by their last message) and the
-- unmuted ones counted for unread messages.
CREATE INDEX conversation_members_user ON conversation_members(user_id, muted, conversation_id);
CREATE INDEX conversations_last_message ON conversations(last_message_at);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- Hidden by a moderator: the text stays for moderators only.
    hidden_at BIGINT,
    hidden_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
-- Pages of a conversation, and its messages after a member's last read.
CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE INDEX messages_author ON messages(author_id);

CREATE TABLE blocks (
    blocker_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    blocked_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocked ON blocks(blocked_id);

CREATE TABLE message_reports (
    id INTEGER PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    reporter_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- hide, warn, suspend or dismiss: the act that settled it
    outcome TEXT,
    UNIQUE (message_id, reporter_id)
);
CREATE INDEX message_reports_open ON message_reports(message_id) WHERE resolved_at IS NULL;

CREATE TABLE moderation_log (
    id INTEGER PRIMARY KEY,
    actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- hide, unhide, warn, suspend or dismiss
    action TEXT NOT NULL,
    target_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    message_id BIGINT REFERENCES messages(id) ON DELETE SET NULL,
    org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX moderation_log_org ON moderation_log(org_id, id);

-- Until then (Unix seconds) the person may not post messages.
ALTER TABLE users ADD COLUMN suspended_until BIGINT;
