-- The digital safe: each owner's data key (wrapped by the server key),
-- folders and documents whose contents live sealed in object storage and
-- whose titles and file names are sealed here too; consent to be
-- accompanied by an organisation; ongoing shares and one-off links; the
-- log of every access; notes and contacts; desk sessions.
CREATE TABLE vault_keys (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    -- Which server key wrapped it (rotation rewraps).
    key_id TEXT NOT NULL,
    -- base64 of the sealed data key
    wrapped TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE safe_folders (
    id INTEGER PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- sealed, base64
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX safe_folders_owner ON safe_folders(owner_id, id);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    folder_id BIGINT REFERENCES safe_folders(id) ON DELETE SET NULL,
    -- identity, residence, health, income, taxes, housing or other
    doc_type TEXT NOT NULL,
    -- sealed JSON: title, file name, content type
    meta TEXT NOT NULL,
    -- Plaintext size, for quotas; the object's name in storage.
    size BIGINT NOT NULL,
    object TEXT NOT NULL UNIQUE,
    expires_on TEXT,
    reminded_at BIGINT,
    uploaded_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX documents_owner ON documents(owner_id, id);
CREATE INDEX documents_expiry ON documents(expires_on, reminded_at);

-- Consent to be accompanied: the organisation's social workers and
-- coordinators may act for the person while it is not withdrawn.
CREATE TABLE accompaniments (
    person_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    granted_at BIGINT NOT NULL,
    withdrawn_at BIGINT,
    PRIMARY KEY (person_id, org_id)
);
CREATE INDEX accompaniments_org ON accompaniments(org_id);

-- Ongoing shares of a whole safe with one worker or an organisation's staff.
CREATE TABLE safe_shares (
    id INTEGER PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id BIGINT REFERENCES organisations(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX safe_shares_owner ON safe_shares(owner_id);
CREATE INDEX safe_shares_user ON safe_shares(user_id);
CREATE INDEX safe_shares_org ON safe_shares(org_id);

-- One-off links to one document: a token (kept as its digest), an
-- optional code (kept as a hash), an expiry.
CREATE TABLE document_links (
    id INTEGER PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    token_digest TEXT NOT NULL UNIQUE,
    code_hash TEXT,
    expires_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    uses BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX document_links_document ON document_links(document_id);

-- Every access to a safe, shown to its owner.
CREATE TABLE safe_access_log (
    id INTEGER PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    document_id BIGINT REFERENCES documents(id) ON DELETE SET NULL,
    actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- owner, accompaniment, share or link
    via TEXT NOT NULL,
    -- list, view, upload, delete, share, revoke, link, note, session…
    action TEXT NOT NULL,
    -- What it was about, sealed when it names a document.
    detail TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX safe_access_log_owner ON safe_access_log(owner_id, id);

-- The person's own notes and important contacts, sealed.
CREATE TABLE safe_notes (
    id INTEGER PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- note or contact
    kind TEXT NOT NULL,
    sealed TEXT NOT NULL,
    written_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX safe_notes_owner ON safe_notes(owner_id, kind, id);

-- A desk session ("permanence") a worker held with the person, visible to them.
CREATE TABLE desk_sessions (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    worker_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    held_on TEXT NOT NULL,
    -- sealed JSON: topics, next steps
    sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX desk_sessions_person ON desk_sessions(person_id, held_on);

-- People registered before consent was recorded consented at the desk.
INSERT INTO accompaniments (person_id, org_id, granted_at)
SELECT id, registered_org, created_at FROM users WHERE registered_org IS NOT NULL;
