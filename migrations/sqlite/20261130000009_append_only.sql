-- Append-only tables stay append-only against every statement, not only UPDATE and DELETE.
-- SQLite: `INSERT OR REPLACE` (and `REPLACE`) deletes the row it conflicts with without
-- firing delete triggers unless recursive triggers are on (Candour turns them on for every
-- connection); these triggers refuse an insert that would replace a row by its id even
-- without that setting.

CREATE TRIGGER status_changes_are_never_replaced BEFORE INSERT ON status_changes
WHEN EXISTS (SELECT 1 FROM status_changes WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'status history is append-only');
END;

CREATE TRIGGER report_revisions_are_never_replaced BEFORE INSERT ON report_revisions
WHEN EXISTS (SELECT 1 FROM report_revisions WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'report revisions are append-only');
END;

CREATE TRIGGER audit_log_are_never_replaced BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER recommendation_wordings_are_never_replaced BEFORE INSERT ON recommendation_wordings
WHEN EXISTS (SELECT 1 FROM recommendation_wordings WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'earlier wordings are append-only');
END;

CREATE TRIGGER content_revisions_are_never_replaced BEFORE INSERT ON content_revisions
WHEN EXISTS (SELECT 1 FROM content_revisions WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'content revisions are append-only');
END;
