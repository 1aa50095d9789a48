-- Time banks: an organisation's limits, accounts whose balances always add
-- up to zero, transfers that are never edited (a correction reverses one),
-- and two balanced entries per transfer.
CREATE TABLE time_banks (
    org_id BIGINT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    floor_minutes BIGINT NOT NULL DEFAULT -600,
    ceiling_minutes BIGINT NOT NULL DEFAULT 6000,
    -- Days after which time given for an exchange counts as confirmed.
    confirm_days BIGINT NOT NULL DEFAULT 7,
    created_at BIGINT NOT NULL
);

CREATE TABLE time_accounts (
    id INTEGER PRIMARY KEY,
    bank_id BIGINT NOT NULL REFERENCES time_banks(org_id) ON DELETE CASCADE,
    -- member or organisation (collective work)
    kind TEXT NOT NULL,
    -- Kept empty when an erased member's account must still add up.
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    balance BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX time_accounts_member ON time_accounts(bank_id, user_id);
CREATE UNIQUE INDEX time_accounts_organisation ON time_accounts(bank_id) WHERE kind = 'organisation';

CREATE TABLE time_transfers (
    id INTEGER PRIMARY KEY,
    bank_id BIGINT NOT NULL REFERENCES time_banks(org_id) ON DELETE CASCADE,
    from_account BIGINT NOT NULL REFERENCES time_accounts(id) ON DELETE CASCADE,
    to_account BIGINT NOT NULL REFERENCES time_accounts(id) ON DELETE CASCADE,
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    -- gift, exchange, collective or reversal
    kind TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    exchange_id BIGINT REFERENCES exchanges(id) ON DELETE SET NULL,
    reverses BIGINT UNIQUE REFERENCES time_transfers(id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX time_transfers_bank ON time_transfers(bank_id, id);

CREATE TABLE time_entries (
    transfer_id BIGINT NOT NULL REFERENCES time_transfers(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES time_accounts(id) ON DELETE CASCADE,
    -- Signed: negative for the payer.
    minutes BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    PRIMARY KEY (transfer_id, account_id)
);
CREATE INDEX time_entries_account ON time_entries(account_id, transfer_id);
