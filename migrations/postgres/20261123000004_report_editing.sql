-- PostgreSQL edition of migrations/sqlite/20261123000004_report_editing.sql.
-- Report editing in the web app.

-- The fingerprint of a report as last read from (or written to) content/reports, so an
-- import can tell a report edited in the web app from one changed in its file.
ALTER TABLE reports ADD COLUMN synced_hash TEXT;

-- Jargon the editor flags, with a plainer alternative (from content/glossary.toml).
CREATE TABLE glossary_terms (
    word  TEXT PRIMARY KEY,
    plain TEXT NOT NULL
);
