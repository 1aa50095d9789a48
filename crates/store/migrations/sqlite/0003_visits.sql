-- Visits programmes: visitors who accepted the charter and were vetted,
-- the people they visit, the pairings a coordinator approved, and the log.
CREATE TABLE programmes (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    charter TEXT NOT NULL,
    overdue_weeks BIGINT NOT NULL DEFAULT 3,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX programmes_org ON programmes(org_id);

CREATE TABLE programme_visitors (
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- applied, vetted or left
    status TEXT NOT NULL,
    charter_accepted_at BIGINT NOT NULL,
    vetted_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    vetted_at BIGINT,
    PRIMARY KEY (programme_id, user_id)
);
CREATE INDEX programme_visitors_user ON programme_visitors(user_id);

CREATE TABLE programme_visited (
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (programme_id, user_id)
);
CREATE INDEX programme_visited_user ON programme_visited(user_id);

CREATE TABLE pairings (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    visitor_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    visited_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    slots BIGINT NOT NULL DEFAULT 0,
    every_weeks BIGINT NOT NULL DEFAULT 1,
    approved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    started_on TEXT NOT NULL,
    ended_at BIGINT
);
CREATE UNIQUE INDEX pairings_active ON pairings(programme_id, visitor_id, visited_id) WHERE ended_at IS NULL;
CREATE INDEX pairings_visitor ON pairings(visitor_id);
CREATE INDEX pairings_visited ON pairings(visited_id);

CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    pairing_id BIGINT NOT NULL REFERENCES pairings(id) ON DELETE CASCADE,
    visited_on TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX visits_pairing ON visits(pairing_id, visited_on);
