-- Endorsements: a person helped in a done exchange vouches for a skill of
-- someone who helped them, once per exchange, helper and skill. Erasing
-- either account erases the endorsement, since it ties the two together.
CREATE TABLE endorsements (
    exchange_id BIGINT NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
    -- The person helped.
    endorser_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The person who helped.
    endorsed_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    -- Who gave it when acting for the person helped (a social worker).
    acted_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (exchange_id, endorser_id, endorsed_id, skill)
);
CREATE INDEX endorsements_endorsed ON endorsements(endorsed_id, skill);
CREATE INDEX endorsements_endorser ON endorsements(endorser_id);

-- The contributions record counts what a person posted for others and the
-- pairings they approved; without these, both counts read whole tables.
CREATE INDEX exchanges_posted_by ON exchanges(posted_by, state) WHERE posted_by IS NOT NULL;
CREATE INDEX pairings_approved_by ON pairings(approved_by);
