-- Append-only tables stay append-only against every statement. PostgreSQL's TRUNCATE fires
-- no row triggers, so each table also refuses it with a statement-level trigger. (An
-- `INSERT ... ON CONFLICT DO UPDATE` already fires the update trigger and is refused.)

CREATE TRIGGER status_changes_are_never_truncated BEFORE TRUNCATE ON status_changes
FOR EACH STATEMENT EXECUTE FUNCTION status_changes_are_append_only();

CREATE TRIGGER report_revisions_are_never_truncated BEFORE TRUNCATE ON report_revisions
FOR EACH STATEMENT EXECUTE FUNCTION report_revisions_are_append_only();

CREATE TRIGGER audit_log_are_never_truncated BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

CREATE TRIGGER recommendation_wordings_are_never_truncated BEFORE TRUNCATE ON recommendation_wordings
FOR EACH STATEMENT EXECUTE FUNCTION recommendation_wordings_are_append_only();

CREATE TRIGGER content_revisions_are_never_truncated BEFORE TRUNCATE ON content_revisions
FOR EACH STATEMENT EXECUTE FUNCTION content_revisions_are_append_only();
