-- Time given for an exchange, waiting for the person helped to confirm it
-- (or for the bank's delay to pass), disputed, or settled; and thanks that
-- say which exchange they are for.
CREATE TABLE time_claims (
    id INTEGER PRIMARY KEY,
    bank_id BIGINT NOT NULL REFERENCES time_banks(org_id) ON DELETE CASCADE,
    exchange_id BIGINT NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
    helper_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    helped_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    -- pending, confirmed, disputed or cancelled
    state TEXT NOT NULL DEFAULT 'pending',
    dispute TEXT NOT NULL DEFAULT '',
    -- Why the bank refused to credit it on the due day (a ledger code).
    refusal TEXT NOT NULL DEFAULT '',
    -- When a pending claim counts as confirmed.
    due_at BIGINT NOT NULL,
    transfer_id BIGINT REFERENCES time_transfers(id) ON DELETE SET NULL,
    decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (exchange_id, helper_id, helped_id)
);
CREATE INDEX time_claims_due ON time_claims(state, due_at);
CREATE INDEX time_claims_bank ON time_claims(bank_id, state, id);
CREATE INDEX time_claims_helped ON time_claims(helped_id, state);
CREATE INDEX time_claims_helper ON time_claims(helper_id, state);

ALTER TABLE thanks ADD COLUMN exchange_id BIGINT REFERENCES exchanges(id) ON DELETE SET NULL;
