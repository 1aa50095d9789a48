-- Needs and offers, the people taking part, and their search terms.
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- The person helped (a need) or helping (an offer).
    owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- Who typed it when acting for the owner (a social worker, a coordinator).
    posted_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    state TEXT NOT NULL DEFAULT 'open',
    schedule TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT,
    time_from BIGINT,
    time_to BIGINT,
    slots BIGINT NOT NULL DEFAULT 0,
    -- Exact place: shown to the owner only; others see the cell's centre.
    lat DOUBLE PRECISION NOT NULL,
    lng DOUBLE PRECISION NOT NULL,
    place_label TEXT,
    cell BIGINT NOT NULL,
    area BIGINT NOT NULL,
    wide_area BIGINT NOT NULL,
    helpers_wanted BIGINT NOT NULL DEFAULT 1,
    urgency TEXT NOT NULL DEFAULT 'normal',
    -- Keys between spaces (" diy moving "), so a filter is one LIKE.
    skills TEXT NOT NULL DEFAULT ' ',
    languages TEXT NOT NULL DEFAULT ' ',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX exchanges_area ON exchanges(area, state);
CREATE INDEX exchanges_wide_area ON exchanges(wide_area, state);
CREATE INDEX exchanges_owner ON exchanges(owner_id, state);
CREATE INDEX exchanges_expiry ON exchanges(state, last_day);

CREATE TABLE participations (
    exchange_id BIGINT NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    part TEXT NOT NULL,
    invited_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    invited_at BIGINT,
    message TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (exchange_id, user_id)
);
CREATE INDEX participations_user ON participations(user_id, part);
CREATE INDEX participations_invited ON participations(user_id, invited_at);

CREATE TABLE exchange_terms (
    term TEXT NOT NULL,
    exchange_id BIGINT NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
    weight BIGINT NOT NULL,
    PRIMARY KEY (term, exchange_id)
);
CREATE INDEX exchange_terms_exchange ON exchange_terms(exchange_id);

-- Coarse cells of a person's home, for finding helpers within a radius.
ALTER TABLE users ADD COLUMN home_area BIGINT;
ALTER TABLE users ADD COLUMN home_wide_area BIGINT;
CREATE INDEX users_home_area ON users(home_area);
CREATE INDEX users_home_wide_area ON users(home_wide_area);
