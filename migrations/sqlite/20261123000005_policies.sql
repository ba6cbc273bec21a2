-- Policy review: the PPIE team drafts SDE policies, Digital Critical Friends comment on a
-- draft (the whole document or one paragraph) and discuss, the team answers every comment,
-- and publishing a version makes its text and the answered review public.

-- title and summary: those of the published version (or, before publication, the first
-- draft's); pages read each version's own.
CREATE TABLE policies (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- The fingerprint of the published version as last read from (or written to)
    -- content/policies, so an import can tell web-app changes from a changed file.
    synced_hash TEXT
);

-- Each version's text is frozen once its review opens, so paragraph numbers stay put.
-- draft: only staff see it. in_review: critical friends read and comment until
-- review_closes. reviewed: a later version replaced it before publication. published: the
-- public text. superseded: published once, replaced by a later publication.
CREATE TABLE policy_versions (
    id            INTEGER PRIMARY KEY,
    policy_id     INTEGER NOT NULL REFERENCES policies (id),
    number        INTEGER NOT NULL,
    -- Each version carries its own title and summary, so a draft's never show in public.
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    body_md       TEXT NOT NULL,
    blocks_json   TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'reviewed', 'published', 'superseded')),
    review_opened TEXT,
    review_closes TEXT,
    -- Set when the review's comments and answers become public (on publishing).
    review_public INTEGER NOT NULL DEFAULT 0,
    published_at  TEXT,
    change_note   TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL,
    UNIQUE (policy_id, number)
);
CREATE INDEX policy_versions_state ON policy_versions (state);

-- paragraph NULL: about the whole document. parent_id: a reply in the discussion.
CREATE TABLE policy_comments (
    id         INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES policy_versions (id),
    paragraph  INTEGER,
    parent_id  INTEGER REFERENCES policy_comments (id),
    author_id  INTEGER NOT NULL REFERENCES users (id),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Set when the PPIE team removes a comment (personal details, abuse): the reason is
    -- shown in its place, to everyone.
    hidden_reason TEXT,
    hidden_by     INTEGER REFERENCES users (id),
    hidden_at     TEXT
);
CREATE INDEX policy_comments_version ON policy_comments (version_id, paragraph);

-- The PPIE team's answer to a comment that starts a thread.
CREATE TABLE policy_responses (
    comment_id   INTEGER PRIMARY KEY REFERENCES policy_comments (id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('changed', 'partly-changed', 'not-changed', 'noted')),
    body         TEXT NOT NULL,
    responder_id INTEGER NOT NULL REFERENCES users (id),
    responded_at TEXT NOT NULL
);
