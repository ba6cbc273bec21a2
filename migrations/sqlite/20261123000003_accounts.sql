-- Accounts, sessions, one-time links, sign-in throttling and the audit log.

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    -- NULL once the account is deleted: nothing that identifies the person is kept.
    email               TEXT UNIQUE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('critical_friend', 'editor', 'admin')),
    password_hash       TEXT,
    state               TEXT NOT NULL CHECK (state IN ('active', 'disabled', 'deleted')),
    created_at          TEXT NOT NULL,
    password_changed_at TEXT
);

-- Server-side sessions (tower-sessions records). user_id is copied out of the record so
-- that all of a person's sessions can be listed and ended at once.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    data       TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at    TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Invitations and password resets. Only a hash of the token is stored.
CREATE TABLE account_links (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    email       TEXT,
    role        TEXT CHECK (role IN ('critical_friend', 'editor', 'admin')),
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    revoked_at  TEXT
);
CREATE INDEX account_links_email ON account_links (purpose, email);

-- Failed sign-ins in the recent past, by account and by client address.
CREATE TABLE sign_in_failures (
    id          INTEGER PRIMARY KEY,
    account_key TEXT NOT NULL,
    client      TEXT NOT NULL,
    failed_at   TEXT NOT NULL
);
CREATE INDEX sign_in_failures_account ON sign_in_failures (account_key, failed_at);
CREATE INDEX sign_in_failures_client ON sign_in_failures (client, failed_at);

-- Text someone was writing when their session ended, kept until they sign in again.
CREATE TABLE drafts (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    draft_key TEXT NOT NULL,
    fields   TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (user_id, draft_key)
);

-- Every change made by a signed-in person. Summaries name accounts by number, never by
-- email or name, so deleting an account leaves nothing identifying here.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    before      TEXT NOT NULL,
    after       TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_is_never_updated BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_is_never_deleted BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
