-- The PPIE team may take a critical friend's reason off the public page (it named a
-- patient, say): the view itself still counts, and a published reason for the removal
-- shows in its place. The view's row is never changed (friend_views is append-only).
CREATE TABLE friend_view_removals (
    view_id    BIGINT PRIMARY KEY REFERENCES friend_views (id),
    reason     TEXT NOT NULL CHECK (length(reason) > 0),
    removed_by BIGINT NOT NULL REFERENCES users (id),
    removed_at TEXT NOT NULL
);
