-- Reports: quarterly summaries, project reports, research and insight briefings.
-- Every save of a published report adds a revision; revisions are append-only.

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    slug               TEXT NOT NULL UNIQUE,
    kind               TEXT NOT NULL CHECK (kind IN ('quarterly-summary', 'project-report', 'briefing')),
    title              TEXT NOT NULL,
    quarter            TEXT,
    report_date        TEXT NOT NULL,
    summary            TEXT NOT NULL CHECK (length(summary) <= 300),
    body_md            TEXT NOT NULL,
    body_html          TEXT NOT NULL,
    toc_json           TEXT NOT NULL,
    reading_minutes    INTEGER NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('draft', 'published', 'withdrawn')),
    withdrawn_note     TEXT,
    first_published_at TEXT,
    updated_at         TEXT NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX reports_listing ON reports (state, report_date);

CREATE TABLE report_links (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    link_kind TEXT NOT NULL CHECK (link_kind IN ('recommendation', 'value', 'priority')),
    target    TEXT NOT NULL,
    PRIMARY KEY (report_id, link_kind, target)
);
CREATE INDEX report_links_target ON report_links (link_kind, target);

CREATE TABLE report_revisions (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    seq         INTEGER NOT NULL,
    saved_at    TEXT NOT NULL,
    change_note TEXT NOT NULL,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body_md     TEXT NOT NULL,
    UNIQUE (report_id, seq)
);

CREATE TRIGGER report_revisions_are_never_updated BEFORE UPDATE ON report_revisions
BEGIN
    SELECT RAISE(ABORT, 'report revisions are append-only');
END;

CREATE TRIGGER report_revisions_are_never_deleted BEFORE DELETE ON report_revisions
BEGIN
    SELECT RAISE(ABORT, 'report revisions are append-only');
END;
