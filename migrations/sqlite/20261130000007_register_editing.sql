-- The register and the rest of the public content edited in the browser.

-- Every earlier wording of a recommendation: what the public said is never silently
-- rewritten. A row holds the wording as it was before the change on `changed_on`, and the
-- public reason. Append-only: triggers refuse UPDATE and DELETE.
CREATE TABLE recommendation_wordings (
    id                INTEGER PRIMARY KEY,
    recommendation_id INTEGER NOT NULL REFERENCES recommendations (id),
    seq               INTEGER NOT NULL,
    title             TEXT NOT NULL,
    what_you_said_md  TEXT NOT NULL,
    changed_on        TEXT NOT NULL,
    reason            TEXT NOT NULL CHECK (length(reason) > 0),
    recorded_at       TEXT NOT NULL,
    UNIQUE (recommendation_id, seq)
);

CREATE TRIGGER recommendation_wordings_are_never_updated BEFORE UPDATE ON recommendation_wordings
BEGIN
    SELECT RAISE(ABORT, 'earlier wordings are append-only');
END;

CREATE TRIGGER recommendation_wordings_are_never_deleted BEFORE DELETE ON recommendation_wordings
BEGIN
    SELECT RAISE(ABORT, 'earlier wordings are append-only');
END;

-- The policy comment a recommendation was made from (shown both ways once the review is
-- public).
ALTER TABLE recommendations ADD COLUMN source_comment_id INTEGER REFERENCES policy_comments (id);

-- Values, priorities, pages and engagements: a fingerprint of each as last imported or
-- exported, so an import can tell a browser edit (kept, reported as a conflict) from a
-- changed file (imported). `kind` is engagement, value, priority, page or glossary.
CREATE TABLE content_sync (
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    synced_hash TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);

-- Each save of a value, priority, page or the glossary made in the browser (who saved it
-- is in the audit log). Append-only.
CREATE TABLE content_revisions (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    title    TEXT NOT NULL,
    body_md  TEXT NOT NULL,
    note     TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    UNIQUE (kind, key, seq)
);

CREATE TRIGGER content_revisions_are_never_updated BEFORE UPDATE ON content_revisions
BEGIN
    SELECT RAISE(ABORT, 'content revisions are append-only');
END;

CREATE TRIGGER content_revisions_are_never_deleted BEFORE DELETE ON content_revisions
BEGIN
    SELECT RAISE(ABORT, 'content revisions are append-only');
END;

-- A decision (a closed status) has no progress figure and no target date: either would
-- contradict it.
UPDATE recommendations SET progress = NULL, target = NULL
WHERE status_key IN (SELECT key FROM statuses WHERE closed = 1);
