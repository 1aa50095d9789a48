-- Thanks ("mercis"): a word of thanks from one person to another, within a
-- small daily allowance, shown on the profile of the person thanked.
CREATE TABLE thanks (
    id INTEGER PRIMARY KEY,
    from_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    to_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX thanks_to ON thanks(to_id, id);
CREATE INDEX thanks_from ON thanks(from_id, created_at);
