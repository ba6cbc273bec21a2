-- Candour's public content: the social licence and the register of Actions to Build Trust.
-- Dates are ISO 8601 text ('YYYY-MM-DD'); times are RFC 3339 text in UTC. Flags are 0/1.

CREATE TABLE site_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE pages (
    slug       TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL,
    body_md    TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE statuses (
    key         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    closed      INTEGER NOT NULL CHECK (closed IN (0, 1)),
    progress    INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    position    INTEGER NOT NULL
);

CREATE TABLE engagements (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    prefix    TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('community-sessions', 'public-panel', 'policy-review', 'other')),
    started   TEXT NOT NULL,
    ended     TEXT,
    summary   TEXT NOT NULL,
    body_md   TEXT NOT NULL,
    body_html TEXT NOT NULL,
    position  INTEGER NOT NULL
);

CREATE TABLE engagement_figures (
    engagement_id INTEGER NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    value         TEXT NOT NULL,
    label         TEXT NOT NULL,
    PRIMARY KEY (engagement_id, position)
);

CREATE TABLE core_values (
    id        INTEGER PRIMARY KEY,
    slug      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    statement TEXT NOT NULL,
    body_md   TEXT NOT NULL,
    body_html TEXT NOT NULL,
    position  INTEGER NOT NULL
);

CREATE TABLE research_priorities (
    id        INTEGER PRIMARY KEY,
    slug      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    statement TEXT NOT NULL,
    body_md   TEXT NOT NULL,
    body_html TEXT NOT NULL,
    position  INTEGER NOT NULL
);

CREATE TABLE recommendations (
    id                 INTEGER PRIMARY KEY,
    reference          TEXT NOT NULL UNIQUE,
    engagement_id      INTEGER NOT NULL REFERENCES engagements (id),
    number             INTEGER NOT NULL,
    title              TEXT NOT NULL,
    summary            TEXT NOT NULL,
    what_you_said_md   TEXT NOT NULL,
    what_you_said_html TEXT NOT NULL,
    what_we_did_md     TEXT NOT NULL,
    what_we_did_html   TEXT NOT NULL,
    raised             TEXT NOT NULL,
    status_key         TEXT NOT NULL REFERENCES statuses (key),
    team               TEXT NOT NULL,
    target             TEXT,
    progress           INTEGER CHECK (progress BETWEEN 0 AND 100),
    status_changed     TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    -- Fingerprint of the record as last imported or exported: a record whose fingerprint
    -- no longer matches was edited in the web app, and the importer will not overwrite it.
    synced_hash        TEXT NOT NULL,
    UNIQUE (engagement_id, number)
);
CREATE INDEX recommendations_status ON recommendations (status_key, engagement_id, number);
CREATE INDEX recommendations_raised ON recommendations (raised);
CREATE INDEX recommendations_updated ON recommendations (status_changed);

CREATE TABLE recommendation_values (
    recommendation_id INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    value_id          INTEGER NOT NULL REFERENCES core_values (id),
    PRIMARY KEY (recommendation_id, value_id)
);
CREATE INDEX recommendation_values_value ON recommendation_values (value_id);

CREATE TABLE recommendation_priorities (
    recommendation_id INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    priority_id       INTEGER NOT NULL REFERENCES research_priorities (id),
    PRIMARY KEY (recommendation_id, priority_id)
);
CREATE INDEX recommendation_priorities_priority ON recommendation_priorities (priority_id);

CREATE TABLE evidence_links (
    recommendation_id INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    title             TEXT NOT NULL,
    url               TEXT NOT NULL,
    PRIMARY KEY (recommendation_id, position)
);

CREATE TABLE recommendation_reports (
    recommendation_id INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    report_slug       TEXT NOT NULL,
    PRIMARY KEY (recommendation_id, report_slug)
);

-- The dated story of each recommendation. Append-only: triggers refuse UPDATE and DELETE.
CREATE TABLE status_changes (
    id                INTEGER PRIMARY KEY,
    recommendation_id INTEGER NOT NULL REFERENCES recommendations (id),
    seq               INTEGER NOT NULL,
    changed_on        TEXT NOT NULL,
    from_status       TEXT REFERENCES statuses (key),
    to_status         TEXT NOT NULL REFERENCES statuses (key),
    note              TEXT NOT NULL CHECK (length(note) > 0),
    team              TEXT NOT NULL,
    recorded_at       TEXT NOT NULL,
    UNIQUE (recommendation_id, seq)
);
CREATE INDEX status_changes_changed_on ON status_changes (changed_on, id);

CREATE TRIGGER status_changes_are_never_updated BEFORE UPDATE ON status_changes
BEGIN
    SELECT RAISE(ABORT, 'status history is append-only');
END;

CREATE TRIGGER status_changes_are_never_deleted BEFORE DELETE ON status_changes
BEGIN
    SELECT RAISE(ABORT, 'status history is append-only');
END;
