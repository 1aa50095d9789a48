-- Telephony: each organisation's provider (TwiML-compatible webhooks) and
-- pool of numbers; a voice box per person, on a personal number or as a
-- box on the organisation's shared number; the messages callers leave,
-- sealed in the person's safe; the state of calls to the access number.
CREATE TABLE phone_providers (
    org_id BIGINT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    -- The provider's API root (recordings are fetched only from there).
    api_url TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    -- The organisation's telephony key, wrapped by the server key: it
    -- seals the auth token and keys the voicemail PINs' digests.
    key_id TEXT NOT NULL,
    wrapped_key TEXT NOT NULL,
    sealed_token TEXT NOT NULL,
    -- Where people listen to their messages, and the number whose callers
    -- type a box number; both optional, international form.
    access_number TEXT,
    shared_number TEXT,
    quarantine_days BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE phone_numbers (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    number TEXT NOT NULL UNIQUE,
    -- When its last holder gave it back: it rests before being given again.
    released_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX phone_numbers_org ON phone_numbers(org_id, id);

CREATE TABLE voice_boxes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    number_id BIGINT UNIQUE REFERENCES phone_numbers(id) ON DELETE SET NULL,
    box_number TEXT NOT NULL,
    -- Keyed digest of the PIN (the organisation's telephony key).
    pin_tag TEXT NOT NULL,
    failed_pins BIGINT NOT NULL DEFAULT 0,
    locked_at BIGINT,
    -- Tell the social worker who opened the box of each new message.
    notify_worker BIGINT NOT NULL DEFAULT 0,
    opened_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, box_number)
);

CREATE TABLE voice_messages (
    id INTEGER PRIMARY KEY,
    box_id BIGINT NOT NULL REFERENCES voice_boxes(id) ON DELETE CASCADE,
    owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    call_sid TEXT NOT NULL UNIQUE,
    recording_sid TEXT NOT NULL UNIQUE,
    -- The provider's address of the recording, until it is fetched.
    recording_url TEXT NOT NULL,
    -- The caller's number, sealed with the owner's data key.
    caller TEXT NOT NULL,
    seconds BIGINT NOT NULL,
    -- The sealed audio in object storage, once fetched.
    object TEXT UNIQUE,
    content_type TEXT NOT NULL DEFAULT '',
    size BIGINT NOT NULL DEFAULT 0,
    heard_at BIGINT,
    saved BIGINT NOT NULL DEFAULT 0,
    received_at BIGINT NOT NULL
);
CREATE INDEX voice_messages_owner ON voice_messages(owner_id, received_at);

CREATE TABLE phone_calls (
    call_sid TEXT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- The box the caller named, then opened with its PIN.
    box_id BIGINT REFERENCES voice_boxes(id) ON DELETE CASCADE,
    opened BIGINT NOT NULL DEFAULT 0,
    wrong_pins BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
