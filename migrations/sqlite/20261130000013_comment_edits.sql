-- Critical friends may edit or withdraw their own comment until it is answered.

-- The text a comment had before each edit by its author, oldest first: the history is
-- shown with the comment. Rows are only added, except that closing an account deletes
-- the earlier texts of its comments that were not yet public, with the comments' text.
CREATE TABLE policy_comment_edits (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES policy_comments (id),
    -- The text as it was before this edit.
    body        TEXT NOT NULL,
    replaced_at TEXT NOT NULL
);
CREATE INDEX policy_comment_edits_comment ON policy_comment_edits (comment_id, id);

-- Set when the author withdrew the comment (hidden_reason then says so, in its place, and
-- it needs no answer); kept apart from removals by the PPIE team, which the public
-- moderation log counts.
ALTER TABLE policy_comments ADD COLUMN withdrawn_at TEXT;

-- Comments withdrawn when their author closed their account, before this column existed.
UPDATE policy_comments SET withdrawn_at = hidden_at
WHERE hidden_reason = 'Withdrawn: its author closed their account before the review was published.';
