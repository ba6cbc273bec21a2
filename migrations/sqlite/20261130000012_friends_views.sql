-- Critical friends' views of recommendations: beside the SDE's status, each Digital
-- Critical Friend may say whether they agree with it. Append-only: changing a view adds a
-- row, and a person's newest row for a recommendation is their current view, so the
-- history of views is never lost.
CREATE TABLE friend_views (
    id                INTEGER PRIMARY KEY,
    recommendation_id INTEGER NOT NULL REFERENCES recommendations (id),
    author_id         INTEGER NOT NULL REFERENCES users (id),
    opinion           TEXT NOT NULL CHECK (opinion IN ('agree', 'partly', 'disagree')),
    -- Required (and checked by the form) for partly and disagree.
    reason            TEXT NOT NULL,
    -- The author chose to show their name with the view; otherwise "a critical friend".
    show_name         INTEGER NOT NULL CHECK (show_name IN (0, 1)),
    -- The recommendation's newest status change (its seq) when the view was given: a
    -- later change marks the view as given before it.
    status_seq        INTEGER NOT NULL,
    -- The UK day it was given (what `as_of` compares) and the instant.
    given_on          TEXT NOT NULL,
    given_at          TEXT NOT NULL
);
CREATE INDEX friend_views_recommendation ON friend_views (recommendation_id, author_id, id);

-- The PPIE team's public answer to a view (usually a disagreement). One per view.
CREATE TABLE friend_view_answers (
    view_id      INTEGER PRIMARY KEY REFERENCES friend_views (id),
    body         TEXT NOT NULL CHECK (length(body) > 0),
    responder_id INTEGER NOT NULL REFERENCES users (id),
    -- The UK day it was given (shown) and the instant.
    answered_on  TEXT NOT NULL,
    answered_at  TEXT NOT NULL
);

CREATE TRIGGER friend_views_are_never_updated BEFORE UPDATE ON friend_views
BEGIN
    SELECT RAISE(ABORT, 'critical friends'' views are append-only');
END;

CREATE TRIGGER friend_views_are_never_deleted BEFORE DELETE ON friend_views
BEGIN
    SELECT RAISE(ABORT, 'critical friends'' views are append-only');
END;

CREATE TRIGGER friend_views_are_never_replaced BEFORE INSERT ON friend_views
WHEN EXISTS (SELECT 1 FROM friend_views WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'critical friends'' views are append-only');
END;
